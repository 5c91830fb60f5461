import { ExtensionError } from "@mcp-verticals/core";
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

/** The QTI 3.0 assessment-item namespace. */
export const QTI3_NAMESPACE = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
/** Base URL of the standard response-processing templates. */
export const QTI3_RP_TEMPLATE_BASE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/";
/** Largest item XML accepted. */
export const MAX_QTI_XML_BYTES = 256 * 1024;

/** One node of the order-preserving tree fast-xml-parser produces. */
export type XmlNode = Record<string, unknown> & { ":@"?: Record<string, string> };

const xmlOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  suppressEmptyNode: true,
} as const;

const parser = new XMLParser(xmlOptions);
/** The serializer for the order-preserving tree. */
export const xmlBuilder = new XMLBuilder({ ...xmlOptions, format: false });

/** Elements that carry the answer key, scoring or feedback: never shown to candidates. */
export const KEY_ELEMENTS: ReadonlySet<string> = new Set([
  "qti-correct-response",
  "qti-mapping",
  "qti-area-mapping",
  "qti-response-processing",
  "qti-modal-feedback",
  "qti-feedback-inline",
  "qti-feedback-block",
  "qti-rubric-block",
]);

/** A QTI_INVALID error on the `xml` field. */
export const invalidQti = (message: string): ExtensionError => new ExtensionError("QTI_INVALID", message, { field: "xml" });

export const tagOf = (node: XmlNode): string | undefined => Object.keys(node).find((key) => key !== ":@");
export const childrenOf = (node: XmlNode): XmlNode[] => {
  const tag = tagOf(node);
  const value = tag === undefined ? undefined : node[tag];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
};
export const attrsOf = (node: XmlNode): Record<string, string> => node[":@"] ?? {};
/** Element children only (no text, comments or processing instructions). */
export const elementsOf = (node: XmlNode): XmlNode[] => childrenOf(node).filter((child) => { const tag = tagOf(child); return tag !== undefined && !tag.startsWith("#") && !tag.startsWith("?"); });

export function findAll(nodes: XmlNode[], tag: string, out: XmlNode[] = []): XmlNode[] {
  for (const node of nodes) {
    if (tagOf(node) === tag) out.push(node);
    findAll(childrenOf(node), tag, out);
  }
  return out;
}

/** Text content of a subtree, whitespace collapsed; the `skip` elements (and their subtrees) excluded. */
export function textOf(nodes: XmlNode[], skip: ReadonlySet<string> = KEY_ELEMENTS, isInteraction: (tag: string) => boolean = () => false): string {
  const parts: string[] = [];
  const walk = (list: XmlNode[]) => {
    for (const node of list) {
      const tag = tagOf(node);
      if (tag === "#text") parts.push(String(node["#text"]));
      else if (tag !== undefined && !skip.has(tag) && !isInteraction(tag)) walk(childrenOf(node));
    }
  };
  walk(nodes);
  return decodeEntities(parts.join("")).replace(/\s+/g, " ").trim();
}

/** Decodes the five XML entities and numeric references (entities are kept raw while parsing). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/gi, (match, name: string) => {
    const lower = name.toLowerCase();
    const code = lower.startsWith("#x") ? Number.parseInt(lower.slice(2), 16) : lower.startsWith("#") ? Number.parseInt(lower.slice(1), 10) : undefined;
    // A reference outside Unicode is kept as written instead of throwing.
    if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : match;
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[lower] ?? "";
  });
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Parses XML into the order-preserving tree after checking it is well formed and bounded. */
export function parseTree(xml: string): XmlNode[] {
  if (typeof xml !== "string" || xml.length === 0) throw invalidQti("the QTI XML is empty");
  if (Buffer.byteLength(xml, "utf8") > MAX_QTI_XML_BYTES) throw invalidQti(`the QTI XML exceeds ${MAX_QTI_XML_BYTES} bytes`);
  // DTDs enable entity expansion attacks and are not part of QTI 3.0 items.
  if (xml.includes("<!DOCTYPE") || xml.includes("<!ENTITY")) throw invalidQti("DOCTYPE and ENTITY declarations are not allowed in QTI items");
  let verdict: ReturnType<typeof XMLValidator.validate>;
  try {
    verdict = XMLValidator.validate(xml, { allowBooleanAttributes: true });
  } catch {
    throw invalidQti("the QTI XML is not well formed");
  }
  if (verdict !== true) throw invalidQti(`the QTI XML is not well formed (line ${verdict.err.line})`);
  try {
    return parser.parse(xml) as XmlNode[];
  } catch {
    throw invalidQti("the QTI XML could not be parsed");
  }
}

/** The `qti-assessment-item` root of a parsed tree. */
export function rootOf(tree: XmlNode[]): XmlNode {
  const root = tree.find((node) => tagOf(node) === "qti-assessment-item");
  if (!root) throw invalidQti("the root element must be qti-assessment-item");
  return root;
}

/** Builds a tree node for the serializer. */
export const node = (tag: string, attrs: Record<string, string> | undefined, children: XmlNode[]): XmlNode =>
  ({ [tag]: children, ...(attrs ? { ":@": attrs } : {}) }) as XmlNode;
/** An escaped text node for the serializer. */
export const text = (value: string): XmlNode => ({ "#text": escapeXml(value) }) as XmlNode;
