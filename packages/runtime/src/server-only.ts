// Resolved instead of the package entry in browser bundles: importing a server package from a client
// component fails the build here rather than shipping database code to the browser.
import "server-only";
