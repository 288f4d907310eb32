import assert from "node:assert/strict";
import type { Address } from "viem";
import {
  fillManagerAbi,
  mintableTokenAbi,
  requestManagerAbi,
  resolverAbi,
} from "../../lib/chain/abi.ts";
import { DEV_ACCOUNTS } from "../../scripts/devnet/accounts.ts";
import {
  type Call,
  CHAIN_ID,
  CLAIM_STAKE,
  contractSuite,
  createRequest,
  deployExtra,
  eventsOf,
  expectRevert,
  type Fixture,
  fmCall,
  messengerAbi,
  read,
  resolverCall,
  rmCall,
  send,
  ZERO_ADDRESS,
} from "./_fixture.ts";

const CID = BigInt(CHAIN_ID);
const SOMEONE: Address = "0x000000000000000000000000000000000000bEEF";

/** Every owner-only call of every contract, with harmless arguments. */
function ownerOnlyCalls(fx: Fixture): Call[] {
  const messenger = (functionName: string, args: readonly unknown[]): Call => ({
    address: fx.l1Messenger,
    abi: messengerAbi,
    functionName,
    args,
  });
  return [
    rmCall(fx, "updateFees", [0, 0, 0]),
    rmCall(fx, "updateToken", [fx.token, 1n, 1n]),
    rmCall(fx, "updateChain", [CID, 1n, 0n, 0n]),
    rmCall(fx, "withdrawProtocolFees", [fx.token, SOMEONE]),
    rmCall(fx, "pause"),
    rmCall(fx, "unpause"),
    rmCall(fx, "addAllowedLp", [SOMEONE]),
    rmCall(fx, "removeAllowedLp", [SOMEONE]),
    rmCall(fx, "addCaller", [SOMEONE]),
    rmCall(fx, "addCaller", [5n, SOMEONE, SOMEONE]),
    rmCall(fx, "transferOwnership", [SOMEONE]),
    rmCall(fx, "renounceOwnership"),
    fmCall(fx, "setResolver", [SOMEONE]),
    fmCall(fx, "addAllowedLp", [SOMEONE]),
    fmCall(fx, "removeAllowedLp", [SOMEONE]),
    fmCall(fx, "transferOwnership", [SOMEONE]),
    resolverCall(fx, "addRequestManager", [5n, SOMEONE, SOMEONE]),
    resolverCall(fx, "addCaller", [SOMEONE]),
    resolverCall(fx, "addCaller", [5n, SOMEONE, SOMEONE]),
    messenger("setRelayer", [SOMEONE]),
    messenger("addCaller", [5n, SOMEONE, SOMEONE]),
  ];
}

contractSuite(
  "owner functions, whitelists, restricted callers and the test token",
  async (step) => {
    await step("every owner function refuses other accounts", async (fx) => {
      for (const call of ownerOnlyCalls(fx)) {
        await expectRevert(fx, fx.lp, call, "Ownable: caller is not the owner");
      }
    });

    await step("ownership moves with transferOwnership and cannot go to zero", async (fx) => {
      assert.equal(await read(fx, rmCall(fx, "owner")), fx.owner.address);
      await expectRevert(
        fx,
        fx.owner,
        rmCall(fx, "transferOwnership", [ZERO_ADDRESS]),
        "Ownable: new owner is the zero address",
      );
      const receipt = await send(fx, fx.owner, rmCall(fx, "transferOwnership", [fx.lp.address]));
      const [event] = eventsOf(receipt, fx.rm, requestManagerAbi);
      assert.equal(event.eventName, "OwnershipTransferred");
      assert.deepEqual(event.args, { previousOwner: fx.owner.address, newOwner: fx.lp.address });
      await send(fx, fx.lp, rmCall(fx, "pause"));
      await expectRevert(fx, fx.owner, rmCall(fx, "unpause"), "Ownable: caller is not the owner");
      await send(fx, fx.lp, rmCall(fx, "renounceOwnership"));
      assert.equal(await read(fx, rmCall(fx, "owner")), ZERO_ADDRESS);
    });

    await step(
      "LPs are added and removed with an event each time, on both managers",
      async (fx) => {
        const lp = fx.users[3].address;
        for (
          const [address, abi] of [[fx.rm, requestManagerAbi], [fx.fm, fillManagerAbi]] as const
        ) {
          const call = (functionName: string, args: readonly unknown[]): Call => ({
            address,
            abi,
            functionName,
            args,
          });
          for (let i = 0; i < 2; i++) {
            const added = await send(fx, fx.owner, call("addAllowedLp", [lp]));
            const [event] = eventsOf(added, address, abi);
            assert.equal(event.eventName, "LpAdded");
            assert.deepEqual(event.args, { lp });
          }
          assert.equal(await read(fx, call("allowedLps", [lp])), true);
          const removed = await send(fx, fx.owner, call("removeAllowedLp", [lp]));
          const [event] = eventsOf(removed, address, abi);
          assert.equal(event.eventName, "LpRemoved");
          assert.deepEqual(event.args, { lp });
          assert.equal(await read(fx, call("allowedLps", [lp])), false);
        }
        const request = await createRequest(fx);
        await send(fx, fx.owner, rmCall(fx, "removeAllowedLp", [fx.lp.address]));
        await expectRevert(
          fx,
          fx.lp,
          rmCall(fx, "claimRequest", [request.id, `0x${"11".repeat(32)}`], CLAIM_STAKE),
          "Not allowed",
        );
      },
    );

    await step("a caller is registered once per chain id and never as zero", async (fx) => {
      for (
        const [address, abi] of [[fx.rm, requestManagerAbi], [fx.resolver, resolverAbi]] as const
      ) {
        const call = (functionName: string, args: readonly unknown[]): Call => ({
          address,
          abi,
          functionName,
          args,
        });
        await expectRevert(
          fx,
          fx.owner,
          call("addCaller", [ZERO_ADDRESS]),
          "RestrictedCalls: caller cannot be 0",
        );
        await expectRevert(
          fx,
          fx.owner,
          call("addCaller", [5n, ZERO_ADDRESS, SOMEONE]),
          "RestrictedCalls: caller cannot be 0",
        );
        // the fixture registered CHAIN_ID on both
        await expectRevert(
          fx,
          fx.owner,
          call("addCaller", [SOMEONE]),
          "RestrictedCalls: caller already exists",
        );
        await expectRevert(
          fx,
          fx.owner,
          call("addCaller", [CID, SOMEONE, SOMEONE]),
          "RestrictedCalls: caller already exists",
        );
        await send(fx, fx.owner, call("addCaller", [5n, SOMEONE, ZERO_ADDRESS]));
        assert.equal(await read(fx, call("callers", [5n, 0n])), SOMEONE);
        assert.equal(await read(fx, call("callers", [5n, 1n])), ZERO_ADDRESS);
      }
      // addCaller(address) registers for this chain with no messenger
      const fresh = await deployExtra(fx, "Resolver");
      const call = (functionName: string, args: readonly unknown[]): Call => ({
        address: fresh,
        abi: resolverAbi,
        functionName,
        args,
      });
      await send(fx, fx.owner, call("addCaller", [SOMEONE]));
      assert.equal(await read(fx, call("callers", [CID, 0n])), SOMEONE);
      assert.equal(await read(fx, call("callers", [CID, 1n])), ZERO_ADDRESS);
    });

    await step(
      "updateFees caps LP and protocol fees at 999999 ppm but not the minimum fee margin",
      async (fx) => {
        await expectRevert(
          fx,
          fx.owner,
          rmCall(fx, "updateFees", [0, 1_000_000, 0]),
          "Maximum PPM of 999999 exceeded",
        );
        await expectRevert(
          fx,
          fx.owner,
          rmCall(fx, "updateFees", [0, 0, 1_000_000]),
          "Maximum PPM of 999999 exceeded",
        );
        const receipt = await send(
          fx,
          fx.owner,
          rmCall(fx, "updateFees", [5_000_000, 999_999, 999_999]),
        );
        const [event] = eventsOf(receipt, fx.rm, requestManagerAbi);
        assert.equal(event.eventName, "FeesUpdated");
        assert.deepEqual(event.args, {
          minFeePPM: 5_000_000,
          lpFeePPM: 999_999,
          protocolFeePPM: 999_999,
        });
        assert.equal(await read(fx, rmCall(fx, "minFeePPM")), 5_000_000);
        assert.equal(await read(fx, rmCall(fx, "lpFeePPM")), 999_999);
        assert.equal(await read(fx, rmCall(fx, "protocolFeePPM")), 999_999);
      },
    );

    await step("existing requests keep the fees they were created with", async (fx) => {
      await send(fx, fx.owner, rmCall(fx, "updateFees", [0, 1000, 0]));
      const request = await createRequest(fx, 10n ** 18n);
      await send(fx, fx.owner, rmCall(fx, "updateFees", [0, 9000, 9000]));
      const stored = await read<readonly unknown[]>(fx, rmCall(fx, "requests", [request.id]));
      assert.equal(stored[5], 10n ** 15n);
      assert.equal(stored[6], 0n);
    });

    await step(
      "updateChain caps the target weight and emits its fields in getter order",
      async (fx) => {
        await expectRevert(
          fx,
          fx.owner,
          rmCall(fx, "updateChain", [7n, 1n, 2n, 1_000_000n]),
          "Maximum PPM of 999999 exceeded",
        );
        const receipt = await send(
          fx,
          fx.owner,
          rmCall(fx, "updateChain", [7n, 11n, 22n, 999_999n]),
        );
        const [event] = eventsOf(receipt, fx.rm, requestManagerAbi);
        assert.equal(event.eventName, "ChainUpdated");
        assert.deepEqual(event.args, {
          chainId: 7n,
          finalityPeriod: 11n,
          transferCost: 22n,
          targetWeightPPM: 999_999n,
        });
        assert.deepEqual(await read(fx, rmCall(fx, "chains", [7n])), [11n, 22n, 999_999n]);
      },
    );

    await step("updateToken sets limit and price and emits TokenUpdated", async (fx) => {
      const receipt = await send(fx, fx.owner, rmCall(fx, "updateToken", [SOMEONE, 5n, 6n]));
      const [event] = eventsOf(receipt, fx.rm, requestManagerAbi);
      assert.equal(event.eventName, "TokenUpdated");
      assert.deepEqual(event.args, { tokenAddress: SOMEONE, transferLimit: 5n, ethInToken: 6n });
      assert.deepEqual(await read(fx, rmCall(fx, "tokens", [SOMEONE])), [5n, 6n, 0n]);
    });

    await step("the RequestManager exposes its constructor parameters", async (fx) => {
      assert.equal(await read(fx, rmCall(fx, "claimStake")), 100n);
      assert.equal(await read(fx, rmCall(fx, "claimRequestExtension")), 100n);
      assert.equal(await read(fx, rmCall(fx, "claimPeriod")), 100n);
      assert.equal(await read(fx, rmCall(fx, "challengePeriodExtension")), 50n);
      assert.equal(await read(fx, rmCall(fx, "currentNonce")), 0n);
    });

    await step("MintableToken is Test/TST with 18 decimals and anyone may mint", async (fx) => {
      const call = (functionName: string, args: readonly unknown[] = []): Call => ({
        address: fx.token,
        abi: mintableTokenAbi,
        functionName,
        args,
      });
      assert.equal(await read(fx, call("name")), "Test");
      assert.equal(await read(fx, call("symbol")), "TST");
      assert.equal(await read(fx, call("decimals")), 18);
      const before = await read<bigint>(fx, call("balanceOf", [SOMEONE]));
      await send(fx, fx.users[4], call("mint", [SOMEONE, 5n]));
      assert.equal(await read(fx, call("balanceOf", [SOMEONE])), before + 5n);
      // the deployer received the initial supply (1e18) at construction
      const fresh = await deployExtra(fx, "MintableToken", [123n]);
      assert.equal(
        await read(fx, {
          address: fresh,
          abi: mintableTokenAbi,
          functionName: "balanceOf",
          args: [DEV_ACCOUNTS.deployer.address],
        }),
        123n,
      );
      const unl = await deployExtra(fx, "NamedMintableToken", ["Unlisted", "UNL", 0n]);
      assert.equal(
        await read(fx, { address: unl, abi: mintableTokenAbi, functionName: "symbol" }),
        "UNL",
      );
    });
  },
);
