// The renderer's single door to the control API's contract (server-core/src/control/contract.ts):
// route table, body schemas and types. Runtime imports from it are zod and the settings table only.
export * from '../../../server-core/src/control/contract';
