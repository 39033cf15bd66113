/**
 * Compiles scripts/chain/Token.sol with solc from npm and writes its ABI and
 * bytecode to token-artifact.json (committed, so tests need no compiler run).
 * Run again after editing the contract: node scripts/chain/build-token.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
const source = readFileSync(fileURLToPath(new URL('./Token.sol', import.meta.url)), 'utf8');
const output = JSON.parse(
  solc.compile(
    JSON.stringify({
      language: 'Solidity',
      sources: { 'Token.sol': { content: source } },
      settings: {
        optimizer: { enabled: true, runs: 200 },
        outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
      },
    }),
  ),
) as {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown; evm: { bytecode: { object: string } } }>>;
};
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const token = output.contracts['Token.sol']?.Token;
if (!token) throw new Error('solc produced no Token contract');
writeFileSync(
  fileURLToPath(new URL('./token-artifact.json', import.meta.url)),
  `${JSON.stringify({ compiler: 'solc 0.8.30', abi: token.abi, bytecode: `0x${token.evm.bytecode.object}` }, null, 2)}\n`,
);
console.log('wrote scripts/chain/token-artifact.json');
