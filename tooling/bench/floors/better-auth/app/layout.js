// Next requires a root layout even for an app that only has route handlers.
export default function RootLayout({ children }) {
  return children;
}
