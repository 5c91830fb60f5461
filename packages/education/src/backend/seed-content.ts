import { createHash } from "node:crypto";
import type { CfPackage } from "../schemas/case.js";
import { buildQtiItemXml, QTI3_NAMESPACE, type SimpleQtiItem } from "../standards/qti.js";
import type { StoredItem } from "./store.js";

/** A deterministic UUID-shaped id from a name (for seeded CASE identifiers). */
export function seededUuid(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const FRAMEWORK_ID = seededUuid("framework:synthetic-secondary");
const FRAMEWORK_URI = `https://case.synthetic-school.example/ims/case/v1p1/CFDocuments/${FRAMEWORK_ID}`;

const STATEMENTS: [code: string, statement: string, levels: string[]][] = [
  ["MATH", "Mathematics", ["09", "10", "11", "12"]],
  ["MATH.ALG.1", "Solve linear equations in one variable, including equations with coefficients represented by letters.", ["09"]],
  ["MATH.ALG.2", "Interpret the slope and intercept of a linear model in the context of data.", ["09", "10"]],
  ["MATH.ALG.3", "Factor quadratic expressions to reveal the zeros of the function they define.", ["10"]],
  ["MATH.GEO.1", "Use the Pythagorean theorem to solve for unknown side lengths in right triangles.", ["09", "10"]],
  ["MATH.GEO.2", "Compute the area and circumference of circles from their radius.", ["09"]],
  ["MATH.STAT.1", "Summarize a data set with measures of centre (mean, median) and spread.", ["10", "11"]],
  ["SCI", "Science", ["09", "10", "11", "12"]],
  ["SCI.BIO.1", "Describe the role of cell organelles, including mitochondria and chloroplasts, in energy transfer.", ["09", "10"]],
  ["SCI.BIO.2", "Explain how the steps of the scientific method produce reliable evidence.", ["09"]],
  ["SCI.CHEM.1", "Use the periodic table to predict properties of elements from their position.", ["10", "11"]],
  ["SCI.PHYS.1", "Apply Newton's second law to relate force, mass and acceleration.", ["11", "12"]],
  ["ELA", "English Language Arts", ["09", "10", "11", "12"]],
  ["ELA.W.1", "Write arguments to support claims with clear reasons and relevant evidence.", ["09", "10", "11", "12"]],
  ["ELA.R.1", "Determine a central idea of a text and analyse its development.", ["09", "10"]],
  ["HIST.1", "Place major events of the twentieth century in chronological order and explain their causes.", ["10", "11"]],
];

/** CFItem identifier for a human coding scheme in the seeded framework. */
export const cfItemId = (code: string): string => seededUuid(`cfitem:${code}`);

/**
 * The seeded CASE 1.1 framework (a CFPackage written for this project, not copied from
 * any published framework): strands and standards for secondary mathematics, science,
 * English and history.
 */
export function seededFramework(): CfPackage {
  const changed = "2026-08-01T00:00:00+00:00";
  const docRef = { title: "Synthetic Secondary Framework", identifier: FRAMEWORK_ID, uri: FRAMEWORK_URI };
  const uriOf = (id: string) => `https://case.synthetic-school.example/ims/case/v1p1/CFItems/${id}`;
  const items = STATEMENTS.map(([code, statement, levels]) => {
    const identifier = cfItemId(code);
    return {
      identifier,
      uri: uriOf(identifier),
      fullStatement: statement,
      humanCodingScheme: code,
      CFItemType: code.includes(".") ? "Standard" : "Strand",
      educationLevel: levels,
      lastChangeDateTime: changed,
      CFDocumentURI: docRef,
    };
  });
  const associations = STATEMENTS.filter(([code]) => code.includes(".")).map(([code]) => {
    const parentCode = code.startsWith("HIST") ? "ELA" : code.split(".")[0]!;
    const child = cfItemId(code);
    const parent = cfItemId(parentCode);
    const identifier = seededUuid(`assoc:${code}`);
    return {
      identifier,
      uri: `https://case.synthetic-school.example/ims/case/v1p1/CFAssociations/${identifier}`,
      associationType: "isChildOf" as const,
      originNodeURI: { title: code, identifier: child, uri: uriOf(child) },
      destinationNodeURI: { title: parentCode, identifier: parent, uri: uriOf(parent) },
      lastChangeDateTime: changed,
    };
  });
  return {
    CFDocument: {
      identifier: FRAMEWORK_ID,
      uri: FRAMEWORK_URI,
      creator: "Synthetic School District (mcp-verticals sample data)",
      title: "Synthetic Secondary Framework",
      lastChangeDateTime: changed,
      description: "A small competency framework written for the mcp-verticals education sample school.",
      subject: ["Mathematics", "Science", "English Language Arts", "History"],
      language: "en",
      version: "1.0",
      adoptionStatus: "Adopted",
      CFPackageURI: { title: "Synthetic Secondary Framework", identifier: FRAMEWORK_ID, uri: FRAMEWORK_URI.replace("CFDocuments", "CFPackages") },
    },
    CFItems: items,
    CFAssociations: associations,
  };
}

/** The seeded framework's CFDocument identifier. */
export const SEEDED_FRAMEWORK_ID = FRAMEWORK_ID;

const SIMPLE_ITEMS: (SimpleQtiItem & { cf: string[]; bank: string })[] = [
  { identifier: "item-alg-linear-1", title: "Solve a linear equation", type: "choice", prompt: "Solve for x: 3x + 5 = 20.", choices: ["x = 3", "x = 5", "x = 15", "x = 25/3"], correct: ["x = 5"], points: 1, cf: ["MATH.ALG.1"], bank: "math" },
  { identifier: "item-alg-slope-1", title: "Slope of a line", type: "text-entry", prompt: "What is the slope of the line through (0, 1) and (2, 7)?", correct: ["3", "3.0"], points: 1, cf: ["MATH.ALG.2"], bank: "math" },
  { identifier: "item-alg-factor-1", title: "Factor a quadratic", type: "inline-choice", prompt: "x² + 5x + 6 factors as", choices: ["(x + 2)(x + 3)", "(x + 1)(x + 6)", "(x - 2)(x - 3)"], correct: ["(x + 2)(x + 3)"], points: 1, cf: ["MATH.ALG.3"], bank: "math" },
  { identifier: "item-geo-pythagoras-1", title: "Hypotenuse", type: "text-entry", prompt: "A right triangle has legs 6 and 8. How long is the hypotenuse?", correct: ["10"], points: 2, cf: ["MATH.GEO.1"], bank: "math" },
  { identifier: "item-geo-circle-1", title: "Circle facts", type: "match", prompt: "Match each quantity to its formula.", choices: ["Area", "Circumference", "Diameter"], targets: ["πr²", "2πr", "2r"], correct: ["Area => πr²", "Circumference => 2πr", "Diameter => 2r"], points: 1, cf: ["MATH.GEO.2"], bank: "math" },
  { identifier: "item-stat-centre-1", title: "Measures of centre", type: "choice", prompt: "Which are measures of centre? Select all that apply.", choices: ["Mean", "Median", "Range", "Interquartile range"], correct: ["Mean", "Median"], points: 1, cf: ["MATH.STAT.1"], bank: "math" },
  { identifier: "item-bio-organelle-1", title: "Powerhouse of the cell", type: "choice", prompt: "Which organelle releases energy through cellular respiration?", choices: ["Nucleus", "Mitochondrion", "Ribosome", "Golgi apparatus"], correct: ["Mitochondrion"], points: 1, cf: ["SCI.BIO.1"], bank: "science" },
  { identifier: "item-bio-method-1", title: "Scientific method", type: "order", prompt: "Put the steps of the scientific method in order.", choices: ["Ask a question", "Form a hypothesis", "Run an experiment", "Analyse the data", "Draw a conclusion"], correct: ["Ask a question", "Form a hypothesis", "Run an experiment", "Analyse the data", "Draw a conclusion"], points: 1, cf: ["SCI.BIO.2"], bank: "science" },
  { identifier: "item-chem-table-1", title: "Noble gases", type: "inline-choice", prompt: "The elements in the last column of the periodic table are the", choices: ["noble gases", "alkali metals", "halogens"], correct: ["noble gases"], points: 1, cf: ["SCI.CHEM.1"], bank: "science" },
  { identifier: "item-phys-newton-1", title: "Newton's second law", type: "text-entry", prompt: "A 2 kg cart accelerates at 3 m/s². What net force in newtons acts on it?", correct: ["6", "6 N"], points: 1, cf: ["SCI.PHYS.1"], bank: "science" },
  { identifier: "item-ela-argument-1", title: "Argue a claim", type: "extended-text", prompt: "Should the school day start later? Write a short argument supporting your claim with two reasons.", correct: [], points: 4, cf: ["ELA.W.1"], bank: "english" },
  { identifier: "item-hist-order-1", title: "Twentieth-century timeline", type: "order", prompt: "Order these events from earliest to latest.", choices: ["First World War begins", "Great Depression begins", "Moon landing", "Fall of the Berlin Wall"], correct: ["First World War begins", "Great Depression begins", "Moon landing", "Fall of the Berlin Wall"], points: 1, cf: ["HIST.1"], bank: "history" },
];

/** A hand-written item with modal feedback and a map_response template, exercising the parser beyond what the builder emits. */
const HAND_WRITTEN_ITEM = `<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="${QTI3_NAMESPACE}" identifier="item-chem-elements-1" title="Metals and non-metals" adaptive="false" time-dependent="false" xml:lang="en">
  <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="identifier">
    <qti-correct-response><qti-value>Fe</qti-value><qti-value>Cu</qti-value></qti-correct-response>
    <qti-mapping default-value="0" lower-bound="0" upper-bound="2">
      <qti-map-entry map-key="Fe" mapped-value="1"/>
      <qti-map-entry map-key="Cu" mapped-value="1"/>
      <qti-map-entry map-key="O" mapped-value="-1"/>
      <qti-map-entry map-key="S" mapped-value="-1"/>
    </qti-mapping>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>2</qti-value></qti-default-value></qti-outcome-declaration>
  <qti-outcome-declaration identifier="FEEDBACK" cardinality="single" base-type="identifier"/>
  <qti-item-body>
    <qti-p>Metals conduct electricity &amp; heat well.</qti-p>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="0" shuffle="true">
      <qti-prompt>Select every metal.</qti-prompt>
      <qti-simple-choice identifier="Fe">Iron</qti-simple-choice>
      <qti-simple-choice identifier="O">Oxygen</qti-simple-choice>
      <qti-simple-choice identifier="Cu">Copper</qti-simple-choice>
      <qti-simple-choice identifier="S">Sulfur</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing>
    <qti-response-condition>
      <qti-response-if>
        <qti-is-null><qti-variable identifier="RESPONSE"/></qti-is-null>
        <qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">0</qti-base-value></qti-set-outcome-value>
      </qti-response-if>
      <qti-response-else>
        <qti-set-outcome-value identifier="SCORE"><qti-map-response identifier="RESPONSE"/></qti-set-outcome-value>
      </qti-response-else>
    </qti-response-condition>
    <qti-response-condition>
      <qti-response-if>
        <qti-match><qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/></qti-match>
        <qti-set-outcome-value identifier="FEEDBACK"><qti-base-value base-type="identifier">correct</qti-base-value></qti-set-outcome-value>
      </qti-response-if>
      <qti-response-else>
        <qti-set-outcome-value identifier="FEEDBACK"><qti-base-value base-type="identifier">incorrect</qti-base-value></qti-set-outcome-value>
      </qti-response-else>
    </qti-response-condition>
  </qti-response-processing>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show"><qti-content-body>Right: iron and copper are metals.</qti-content-body></qti-modal-feedback>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="incorrect" show-hide="show"><qti-content-body>Metals are shiny conductors; look again at iron and copper.</qti-content-body></qti-modal-feedback>
</qti-assessment-item>
`;

/** The seeded QTI 3.0 item bank, written for this project. Authored by the first teacher. */
export function seededItems(author: string): StoredItem[] {
  const built = SIMPLE_ITEMS.map(({ cf, bank, ...spec }) => ({
    id: spec.identifier,
    title: spec.title,
    interaction: spec.type,
    xml: buildQtiItemXml(spec),
    cfItemIds: cf.map(cfItemId),
    status: "published" as const,
    author,
    bank,
  }));
  built.push({
    id: "item-chem-elements-1",
    title: "Metals and non-metals",
    interaction: "choice",
    xml: HAND_WRITTEN_ITEM,
    cfItemIds: [cfItemId("SCI.CHEM.1")],
    status: "published",
    author,
    bank: "science",
  });
  return built;
}
