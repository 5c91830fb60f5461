// Types of stage-tarballs.mjs, for the TypeScript tests that use it.
export declare function runOrThrow(command: string, args: string[], cwd: string): string;
export declare function packWorkspacePackage(root: string, folder: string, into: string): string;
export declare function installTarballs(root: string, project: string, args?: string[]): void;
export declare function copyWorkspaceSqliteBinary(root: string, project: string): void;
