"use client";

import type { AppRouter } from "@rekey/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink } from "@trpc/client";
import { createTRPCReact, type TRPCClientErrorLike } from "@trpc/react-query";
import { useState, type ReactNode } from "react";

/** The pages' typed client of the `auth` router. */
export const api = createTRPCReact<AppRouter>();
export type ApiError = TRPCClientErrorLike<AppRouter>;

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } } }),
  );
  const [client] = useState(() => api.createClient({ links: [httpBatchLink({ url: "/api/trpc" })] }));
  return (
    <api.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </api.Provider>
  );
}
