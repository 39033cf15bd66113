// The local EVM node for chain tests, the ingestion benchmark and `npm run demo:chain`.
// Hardhat's defaults (chain 31337, 20 funded accounts, instant mining) are what they need;
// CHAIN_START_DATE lets the demo begin its scripted history on a fixed day.
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      mining: { auto: true },
      ...(process.env.CHAIN_START_DATE ? { initialDate: process.env.CHAIN_START_DATE } : {}),
    },
  },
};
