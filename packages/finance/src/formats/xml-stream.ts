import { ExtensionError } from "@mcp-verticals/core";
import { SaxesParser } from "saxes";

/**
 * An element as the statement readers see it, the same shape a DOM parse would give: children
 * by local name (one value, or an array when repeated), attributes as `@name`, text as `#text`
 * (or the element itself is the trimmed text when it has neither attributes nor children).
 */
export type XmlNode = { [name: string]: XmlValue };
/** A child value of an {@link XmlNode}. */
export type XmlValue = string | XmlNode | Array<string | XmlNode>;

/** What the streaming reader tells its consumer. */
export interface XmlSubtreeHandler {
  /**
   * Called when an element closes, with its path of local names (root first) and its value.
   * Return true to consume it (it is then not attached to its parent, which keeps memory flat
   * for long repeated elements such as camt.053 entries).
   */
  element(path: readonly string[], value: string | XmlNode): boolean;
}

type Frame = { name: string; node: XmlNode | undefined; text: string; hasChildren: boolean };

/** Local name of a possibly prefixed XML name (namespaces are ignored, as ISO 20022 readers usually do). */
const localName = (name: string): string => {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
};
const printablePath = (path: readonly string[]): string => path.map((name) => (/^[A-Za-z0-9_.-]{1,40}$/.test(name) ? name : "?")).join("/");

/**
 * A streaming, well-formedness-checking XML reader (saxes) that rebuilds elements into small
 * trees and hands each closed element to `handler`, so a caller can consume repeated elements
 * one at a time instead of holding the whole document. DTDs are not processed: an entity other
 * than the five predefined ones and character references is a well-formedness error, so no
 * external entity is ever fetched and no entity expansion can blow up.
 *
 * Errors are `ExtensionError`s with code `errorCode`, `field: "content"`, and the element path
 * and position in `data` (element names only, never text from the document).
 */
export class XmlSubtreeReader {
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private readonly stack: Frame[] = [];
  private readonly path: string[] = [];
  private readonly root: XmlNode = {};
  private failure: unknown;

  constructor(
    private readonly handler: XmlSubtreeHandler,
    private readonly errorCode: string,
  ) {
    const parser = this.parser;
    parser.on("error", (error) => {
      // saxes prefixes its messages with line:column; keep only its reason, and only if it is plain.
      const reason = error.message.replace(/^.*?\d+:\d+:\s*/, "").slice(0, 120);
      throw this.error(`the content is not well-formed XML: ${/^[\w\s.,:;'"()<>/!?=-]*$/.test(reason) ? reason : "syntax error"}`);
    });
    parser.on("doctype", () => {
      // A DOCTYPE could declare entities; statements and payment files never need one.
      throw this.error("the content declares a DOCTYPE, which statement and payment files never need; it is refused");
    });
    const stack = this.stack;
    parser.on("opentag", (tag) => {
      const name = localName(tag.name);
      let node: XmlNode | undefined;
      const attributes = tag.attributes as Record<string, string>;
      for (const key in attributes) {
        if (key === "xmlns" || key.startsWith("xmlns:")) continue;
        node ??= {};
        node[`@${localName(key)}`] = attributes[key]!;
      }
      const parent = stack[stack.length - 1];
      if (parent !== undefined && !parent.hasChildren) {
        parent.hasChildren = true;
        // Whitespace before the first child is layout, not content (ISO 20022 has no mixed content).
        parent.text = "";
      }
      stack.push({ name, node, text: "", hasChildren: false });
      this.path.push(name);
    });
    const onText = (text: string) => {
      const top = stack[stack.length - 1];
      if (top !== undefined && !top.hasChildren) top.text += text;
    };
    parser.on("text", onText);
    parser.on("cdata", onText);
    parser.on("closetag", () => {
      const frame = stack.pop()!;
      const text = frame.text.trim();
      let value: string | XmlNode;
      if (frame.node === undefined && !frame.hasChildren) value = text;
      else {
        value = frame.node ?? {};
        if (text !== "" && !frame.hasChildren) value["#text"] = text;
      }
      const consumed = this.handler.element(this.path, value);
      this.path.pop();
      if (consumed) return;
      const holder = stack[stack.length - 1];
      let parent: XmlNode;
      if (holder === undefined) parent = this.root;
      else parent = holder.node ??= {};
      const existing = parent[frame.name];
      if (existing === undefined) parent[frame.name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else parent[frame.name] = [existing, value];
    });
  }

  /** The element path being read, for errors raised by the consumer. */
  currentPath(): string {
    return printablePath(this.path);
  }

  /** A typed error at the current element and position. */
  error(message: string, code = this.errorCode): ExtensionError {
    const path = printablePath(this.path);
    return new ExtensionError(code, path ? `${message} (at ${path}, line ${this.parser.line})` : message, {
      field: "content",
      data: { path, line: this.parser.line, column: this.parser.column },
    });
  }

  /** Feeds one chunk of text. */
  write(chunk: string): void {
    if (this.failure !== undefined) throw this.failure;
    try {
      this.parser.write(chunk);
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  /** Ends the document (checks that every element closed) and returns what was not consumed, by root name. */
  close(): XmlNode {
    if (this.failure !== undefined) throw this.failure;
    this.parser.close();
    return this.root;
  }
}

/**
 * Reads a whole text or a stream of text/bytes (UTF-8) through an {@link XmlSubtreeReader}.
 *
 * @example
 * ```ts
 * const root = await readXmlStream(createReadStream("statement.xml"), reader);
 * ```
 */
export async function readXmlStream(source: AsyncIterable<string | Uint8Array>, reader: XmlSubtreeReader): Promise<XmlNode> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of source) reader.write(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    reader.write(decoder.decode());
  } catch (error) {
    if (error instanceof TypeError && /decode|encoded/i.test(error.message)) throw reader.error("the content is not valid UTF-8");
    throw error;
  }
  return reader.close();
}
