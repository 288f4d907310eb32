// Child process for the no-orphan test: starts anvil, prints its pid, then waits to be killed.
import { startAnvil } from "../../scripts/devnet/anvil.ts";

const chain = await startAnvil({ chainId: 31999 });
console.log(`anvil ${chain.pid}`);
// keep the process alive until it is killed from outside
setInterval(() => {}, 60_000);
