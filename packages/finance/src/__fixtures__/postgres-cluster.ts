// The one PostgreSQL test-cluster starter lives in core's testing subpath.
export {
  postgresAvailable,
  sharedPostgresCluster as startTestCluster,
  type PostgresTestCluster as TestCluster,
} from "@mcp-verticals/core/testing";
