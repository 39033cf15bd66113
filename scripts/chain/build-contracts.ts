/**
 * Compiles the local-chain contracts (Token.sol, Wallet.sol,
 * WalletFactory.sol) with solc from npm and writes each one's ABI and
 * bytecode to <name>-artifact.json (committed, so tests need no compiler
 * run). Run after editing a contract: npm run chain:build
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
const CONTRACTS = ['Token', 'Wallet', 'WalletFactory'];

const sources = Object.fromEntries(
  CONTRACTS.map((name) => [
    `${name}.sol`,
    { content: readFileSync(fileURLToPath(new URL(`./${name}.sol`, import.meta.url)), 'utf8') },
  ]),
);
const output = JSON.parse(
  solc.compile(
    JSON.stringify({
      language: 'Solidity',
      sources,
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
for (const name of CONTRACTS) {
  const contract = output.contracts[`${name}.sol`]?.[name];
  if (!contract) throw new Error(`solc produced no ${name} contract`);
  const file = `${name.toLowerCase()}-artifact.json`;
  writeFileSync(
    fileURLToPath(new URL(`./${file}`, import.meta.url)),
    `${JSON.stringify({ compiler: 'solc 0.8.30', abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }, null, 2)}\n`,
  );
  console.log(`wrote scripts/chain/${file}`);
}
