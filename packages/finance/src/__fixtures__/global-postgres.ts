// One throwaway PostgreSQL cluster for every test file of this package.
export { postgresGlobalSetup as default } from "@mcp-verticals/core/testing";
