// QTI 3.0 items: parsing, candidate views, response processing and authoring, one idea per file under ./qti/.
export { QTI3_NAMESPACE, QTI3_RP_TEMPLATE_BASE, MAX_QTI_XML_BYTES } from "./qti/xml.js";
export { parseQtiItem } from "./qti/parse.js";
export { candidateQtiXml, candidateQtiItem } from "./qti/candidate.js";
export { scoreQtiResponse, type QtiScore } from "./qti/score.js";
export { buildQtiItemXml, type SimpleQtiItem } from "./qti/build.js";
