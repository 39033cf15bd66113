/**
 * `--help` (or `-h`) among a script's arguments: its usage on stdout and exit
 * 0, before the script reads anything else. Without this, parseArgs refuses
 * the option ("Unknown option '--help'") and a script that takes a file name
 * would take "--help" for one.
 */
export function answerHelp(usage: string, args: readonly string[] = process.argv.slice(2)): void {
  if (!args.includes('--help') && !args.includes('-h')) return;
  console.log(usage);
  process.exit(0);
}
