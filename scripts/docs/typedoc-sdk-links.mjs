// TypeDoc plugin: the MCP SDK's declaration files link to their own modules with references such as
// {@linkcode server/requestStateCodec.createRequestStateCodec | createRequestStateCodec}. When a
// package re-exposes an SDK type, TypeDoc copies that comment but cannot resolve a link into a package
// it does not document, and warnings are errors here. Such links are turned into inline code; links to
// anything this site documents are left alone, so invalid-link validation keeps working for ours.
import { Converter } from "typedoc";

const SDK_REFERENCE = /^(server|client|core|shared)\//;

function plainParts(parts) {
  if (!parts) return parts;
  return parts.map((part) => {
    if (part.kind !== "inline-tag" || !part.tag.startsWith("@link")) return part;
    const [reference, label] = part.text.split("|").map((text) => text.trim());
    if (!SDK_REFERENCE.test(reference ?? "")) return part;
    return { kind: "code", text: "`" + (label || reference.split(".").at(-1)) + "`" };
  });
}

function rewrite(comment) {
  if (!comment) return;
  comment.summary = plainParts(comment.summary);
  for (const tag of comment.blockTags ?? []) tag.content = plainParts(tag.content);
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      rewrite(reflection.comment);
      for (const signature of reflection.signatures ?? []) rewrite(signature.comment);
    }
  });
}
