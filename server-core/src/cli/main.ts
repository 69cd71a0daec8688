// Entry point of the `gantry` command.
export async function main(argv: readonly string[]): Promise<number> {
  process.stderr.write(`gantry: not implemented yet (${argv.join(' ')})\n`);
  return 2;
}
