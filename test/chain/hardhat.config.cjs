// The local EVM node for chain tests, the ingestion benchmark and `npm run demo:chain`.
// Hardhat's defaults (chain 31337, 20 funded accounts, instant mining) are what they need.
module.exports = { networks: { hardhat: { chainId: 31337, mining: { auto: true } } } };
