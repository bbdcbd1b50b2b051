// Next requires a root layout even for an app that only has a route handler.
export default function RootLayout({ children }) {
  return children;
}
