import type { QtiItem } from "../../schemas/qti.js";
import { childrenOf, KEY_ELEMENTS, parseTree, rootOf, tagOf, xmlBuilder, type XmlNode } from "./xml.js";

/**
 * The candidate view of an item's XML: correct responses, mappings, response processing,
 * feedback and rubric blocks removed, re-serialized through the XML builder.
 *
 * @example
 * ```ts
 * candidateQtiXml(xml).includes("qti-correct-response"); // false
 * ```
 */
export function candidateQtiXml(xml: string): string {
  const tree = parseTree(xml);
  rootOf(tree);
  const strip = (nodes: XmlNode[]): XmlNode[] =>
    nodes
      .filter((node) => {
        const tag = tagOf(node);
        return tag === undefined || !KEY_ELEMENTS.has(tag);
      })
      .map((node) => {
        const tag = tagOf(node);
        if (tag === undefined || tag.startsWith("#") || tag.startsWith("?")) return node;
        return { ...node, [tag]: strip(childrenOf(node)) };
      });
  return String(xmlBuilder.build(strip(tree)));
}

/** The candidate view of a parsed item: the same structure with the answer key and feedback removed. */
export function candidateQtiItem(item: QtiItem): QtiItem {
  return {
    ...item,
    responses: item.responses.map(({ identifier, cardinality, baseType }) => ({ identifier, cardinality, baseType })),
    responseProcessing: undefined,
    feedback: [],
  };
}
