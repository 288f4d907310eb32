import assert from "node:assert/strict";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import {
  CHAIN_ID,
  contractSuite,
  createRequest,
  eventsOf,
  expectRevert,
  type Fixture,
  read,
  rmCall,
  send,
  tokenBalance,
} from "./_fixture.ts";

const CID = BigInt(CHAIN_ID);
const TARGET = 4242n;

const view = (fx: Fixture, fn: string, args: readonly unknown[]) =>
  read<bigint>(fx, rmCall(fx, fn, args));

/** The fact sheet's worked minimum-fee setup: minLpFee = 550387500000000000 for TARGET. */
async function workedExample(fx: Fixture): Promise<void> {
  await send(fx, fx.owner, rmCall(fx, "updateChain", [CID, 200n, 400n * 10n ** 12n, 300_000n]));
  await send(fx, fx.owner, rmCall(fx, "updateChain", [TARGET, 200n, 3n * 10n ** 12n, 750_000n]));
  await send(fx, fx.owner, rmCall(fx, "updateFees", [300_000, 0, 0]));
  await send(fx, fx.owner, rmCall(fx, "updateToken", [fx.token, 10n ** 24n, 1500n * 10n ** 18n]));
}

contractSuite("RequestManager fees", async (step) => {
  await step("with transfer cost 0 the minimum LP fee is 0", async (fx) => {
    await send(fx, fx.owner, rmCall(fx, "updateFees", [300_000, 0, 0]));
    assert.equal(await view(fx, "minLpFee", [CID, fx.token]), 0n);
    assert.equal(await view(fx, "lpFee", [CID, fx.token, 10n ** 18n]), 0n);
  });

  await step("9e18 at 8000/7000 ppm costs 72e15 LP fee and 63e15 protocol fee", async (fx) => {
    await send(fx, fx.owner, rmCall(fx, "updateFees", [0, 8000, 7000]));
    const amount = 9n * 10n ** 18n;
    assert.equal(await view(fx, "lpFee", [CID, fx.token, amount]), 72n * 10n ** 15n);
    assert.equal(await view(fx, "protocolFee", [amount]), 63n * 10n ** 15n);
    assert.equal(await view(fx, "totalFee", [CID, fx.token, amount]), 135n * 10n ** 15n);
    const before = await tokenBalance(fx, fx.users[0].address);
    const request = await createRequest(fx, amount);
    assert.equal(await tokenBalance(fx, fx.users[0].address), before - amount - 135n * 10n ** 15n);
    const [event] = eventsOf(request.receipt, fx.rm, requestManagerAbi);
    assert.equal(event.args.lpFee, 72n * 10n ** 15n);
    assert.equal(event.args.protocolFee, 63n * 10n ** 15n);
  });

  await step("the worked minimum LP fee is 550387500000000000", async (fx) => {
    await workedExample(fx);
    assert.equal(await view(fx, "minLpFee", [TARGET, fx.token]), 550387500000000000n);
    // the LP fee is the minimum while the proportional part is smaller …
    await send(fx, fx.owner, rmCall(fx, "updateFees", [300_000, 1000, 0]));
    assert.equal(await view(fx, "lpFee", [TARGET, fx.token, 10n ** 18n]), 550387500000000000n);
    // … and the proportional part once it is larger (1000 ppm of 1000e18 = 1e18)
    assert.equal(await view(fx, "lpFee", [TARGET, fx.token, 1000n * 10n ** 18n]), 10n ** 18n);
  });

  await step("transferableAmount refuses amounts not above the minimum LP fee", async (fx) => {
    await workedExample(fx);
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "transferableAmount", [TARGET, fx.token, 550387500000000000n]),
      "Amount not high enough to cover the fees",
    );
    assert.ok(await view(fx, "transferableAmount", [TARGET, fx.token, 550387500000000001n]) >= 0n);
  });

  await step(
    "transferableAmount follows the formula and leaves amount + fees within the gross",
    async (fx) => {
      await workedExample(fx);
      await send(fx, fx.owner, rmCall(fx, "updateFees", [300_000, 3000, 2000]));
      const minLpFee = 550387500000000000n;
      const expected = (gross: bigint) => {
        const t = gross * 1_000_000n / (1_000_000n + 3000n + 2000n);
        if (t * 3000n / 1_000_000n >= minLpFee) return t;
        return (gross - minLpFee) * 1_000_000n / (1_000_000n + 2000n);
      };
      const grossAmounts = [
        6n * 10n ** 17n, // minimum-fee branch
        10n ** 18n,
        123456789012345678901n, // proportional branch
        5000n * 10n ** 18n,
      ];
      for (const gross of grossAmounts) {
        const t = await view(fx, "transferableAmount", [TARGET, fx.token, gross]);
        assert.equal(t, expected(gross), `transferableAmount(${gross})`);
        const cost = t + await view(fx, "totalFee", [TARGET, fx.token, t]);
        assert.ok(cost <= gross, `${gross}: ${t} plus fees exceeds the gross amount`);
        // truncating divisions leave at most a few base units unspent
        assert.ok(gross - cost <= 3n, `${gross}: ${gross - cost} units unspent`);
      }
    },
  );
});
