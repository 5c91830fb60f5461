import { ExtensionError } from "../errors.js";

/**
 * Checks a public base URL (what people and clients reach the server at behind a proxy, e.g.
 * `https://mcp.example.org` or `https://example.org/finance`) and returns it without a trailing
 * slash, ready for `${base}/approvals/<id>`.
 *
 * It must be an absolute `http:` or `https:` URL with no credentials, query or fragment: a link
 * built from anything else would send the person to the wrong place, or leak a secret into it.
 *
 * @example
 * ```ts
 * publicBaseUrl("https://mcp.example.org/finance/"); // "https://mcp.example.org/finance"
 * ```
 * @throws ExtensionError `INVALID_PUBLIC_URL` with `field` set to the option's name.
 * @category Server
 */
export function publicBaseUrl(value: string, field = "publicUrl"): string {
  const invalid = (why: string) => new ExtensionError("INVALID_PUBLIC_URL", `${field} must be an absolute http(s) URL such as https://mcp.example.org; ${why}`, { field });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid("this one is not an absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid(`its scheme is ${url.protocol.replace(/:$/, "")}`);
  if (url.username !== "" || url.password !== "") throw invalid("it must not carry credentials");
  if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) throw invalid("it must not carry a query or fragment");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
