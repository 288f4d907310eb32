/**
 * The Beamer contract ABIs the agent speaks, written from the protocol fact sheet (not from any
 * build output), so the agent works the same against the real Beamer deployment and the devnet.
 *
 * @example
 * ```ts
 * import { requestManagerAbi } from "./abi.ts";
 * const nonce = await client.readContract({
 *   address, abi: requestManagerAbi, functionName: "currentNonce",
 * });
 * ```
 *
 * @module
 */
import { parseAbi } from "viem";

/** OpenZeppelin Ownable (shared by every Beamer contract). */
const ownable = [
  "function owner() view returns (address)",
  "function transferOwnership(address newOwner)",
  "function renounceOwnership()",
  "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)",
] as const;

/** LP whitelist (RequestManager and FillManager). */
const lpWhitelist = [
  "function allowedLps(address) view returns (bool)",
  "function addAllowedLp(address newLp)",
  "function removeAllowedLp(address oldLp)",
  "event LpAdded(address lp)",
  "event LpRemoved(address lp)",
] as const;

/** Trusted callers per chain id (RequestManager, Resolver, messengers). */
const restrictedCalls = [
  "function callers(uint256, uint256) view returns (address)",
  "function addCaller(address caller)",
  "function addCaller(uint256 callerChainId, address caller, address messenger)",
] as const;

/** RequestManager: the source-chain contract (requests, claims, challenges, withdrawals). */
export const requestManagerAbi = parseAbi([
  ...ownable,
  ...lpWhitelist,
  ...restrictedCalls,
  "function paused() view returns (bool)",
  "function pause()",
  "function unpause()",
  "event Paused(address account)",
  "event Unpaused(address account)",

  "function createRequest(uint256 targetChainId, address sourceTokenAddress, address targetTokenAddress, address targetAddress, uint256 amount, uint256 validityPeriod) returns (bytes32)",
  "function withdrawExpiredRequest(bytes32 requestId)",
  "function claimRequest(bytes32 requestId, bytes32 fillId) payable returns (uint96)",
  "function claimRequest(address claimer, bytes32 requestId, bytes32 fillId) payable returns (uint96)",
  "function challengeClaim(uint96 claimId) payable",
  "function withdraw(uint96 claimId) returns (address)",
  "function withdraw(address participant, uint96 claimId) returns (address)",
  "function resolveRequest(bytes32 requestId, bytes32 fillId, uint256 resolutionChainId, address filler)",
  "function invalidateFill(bytes32 requestId, bytes32 fillId, uint256 resolutionChainId)",

  "function requests(bytes32) view returns (address sender, address sourceTokenAddress, uint256 targetChainId, uint256 amount, uint32 validUntil, uint256 lpFee, uint256 protocolFee, uint32 activeClaims, uint96 withdrawClaimId, address filler, bytes32 fillId)",
  "function claims(uint96) view returns (bytes32 requestId, address claimer, uint96 claimerStake, address lastChallenger, uint96 challengerStakeTotal, uint256 withdrawnAmount, uint256 termination, bytes32 fillId)",
  "function chains(uint256) view returns (uint256 finalityPeriod, uint256 transferCost, uint256 targetWeightPPM)",
  "function tokens(address) view returns (uint256 transferLimit, uint256 ethInToken, uint256 collectedProtocolFees)",
  "function claimStake() view returns (uint96)",
  "function claimRequestExtension() view returns (uint256)",
  "function claimPeriod() view returns (uint256)",
  "function challengePeriodExtension() view returns (uint256)",
  "function minFeePPM() view returns (uint32)",
  "function lpFeePPM() view returns (uint32)",
  "function protocolFeePPM() view returns (uint32)",
  "function MIN_VALIDITY_PERIOD() view returns (uint256)",
  "function MAX_VALIDITY_PERIOD() view returns (uint256)",
  "function CLAIM_ID_WITHDRAWN_EXPIRED() view returns (uint96)",
  "function currentNonce() view returns (uint96)",
  "function isWithdrawn(bytes32 requestId) view returns (bool)",
  "function isInvalidFill(bytes32 requestId, bytes32 fillId) view returns (bool)",
  "function minLpFee(uint256 targetChainId, address tokenAddress) view returns (uint256)",
  "function lpFee(uint256 targetChainId, address tokenAddress, uint256 amount) view returns (uint256)",
  "function protocolFee(uint256 amount) view returns (uint256)",
  "function totalFee(uint256 targetChainId, address tokenAddress, uint256 amount) view returns (uint256)",
  "function transferableAmount(uint256 targetChainId, address tokenAddress, uint256 amount) view returns (uint256)",

  "function updateFees(uint32 _minFeePPM, uint32 _lpFeePPM, uint32 _protocolFeePPM)",
  "function updateToken(address tokenAddress, uint256 transferLimit, uint256 ethInToken)",
  "function updateChain(uint256 chainId, uint256 finalityPeriod, uint256 transferCost, uint256 targetWeightPPM)",
  "function withdrawProtocolFees(address tokenAddress, address recipient)",

  "event RequestCreated(bytes32 indexed requestId, uint256 targetChainId, address sourceTokenAddress, address targetTokenAddress, address indexed sourceAddress, address targetAddress, uint256 amount, uint96 nonce, uint32 validUntil, uint256 lpFee, uint256 protocolFee)",
  "event DepositWithdrawn(bytes32 requestId, address receiver)",
  "event ClaimMade(bytes32 indexed requestId, uint96 claimId, address claimer, uint96 claimerStake, address lastChallenger, uint96 challengerStakeTotal, uint256 termination, bytes32 fillId)",
  "event ClaimStakeWithdrawn(uint96 claimId, bytes32 indexed requestId, address stakeRecipient)",
  "event FeesUpdated(uint32 minFeePPM, uint32 lpFeePPM, uint32 protocolFeePPM)",
  "event TokenUpdated(address indexed tokenAddress, uint256 transferLimit, uint256 ethInToken)",
  "event ChainUpdated(uint256 indexed chainId, uint256 finalityPeriod, uint256 transferCost, uint256 targetWeightPPM)",
  "event RequestResolved(bytes32 requestId, address filler, bytes32 fillId)",
  "event FillInvalidatedResolved(bytes32 requestId, bytes32 fillId)",
]);

/** FillManager: the target-chain contract LPs fill requests through. */
export const fillManagerAbi = parseAbi([
  ...ownable,
  ...lpWhitelist,
  "function fillRequest(uint256 sourceChainId, address targetTokenAddress, address targetReceiverAddress, uint256 amount, uint96 nonce) returns (bytes32)",
  "function invalidateFill(uint256 sourceChainId, address targetTokenAddress, address targetReceiverAddress, uint256 amount, uint96 nonce, bytes32 fillId)",
  "function fills(bytes32) view returns (bytes32)",
  "function setResolver(address _l1Resolver)",
  "function l1Resolver() view returns (address)",
  "function messenger() view returns (address)",
  "event RequestFilled(bytes32 indexed requestId, bytes32 fillId, uint256 indexed sourceChainId, address indexed targetTokenAddress, address filler, uint256 amount)",
  "event FillInvalidated(bytes32 indexed requestId, bytes32 indexed fillId)",
]);

/** Resolver: the L1 contract that forwards fill and non-fill proofs to source chains. */
export const resolverAbi = parseAbi([
  ...ownable,
  ...restrictedCalls,
  "function resolve(bytes32 requestId, bytes32 fillId, uint256 fillChainId, uint256 sourceChainId, address filler)",
  "function addRequestManager(uint256 chainId, address requestManager, address messenger)",
  "function sourceChainInfos(uint256) view returns (address requestManager, address messenger)",
  "event Resolution(uint256 sourceChainId, uint256 fillChainId, bytes32 requestId, address filler, bytes32 fillId)",
]);

/** The ERC20 subset the agent uses (balances, allowances, approvals, metadata, transfers). */
export const erc20Abi = parseAbi([
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function transfer(address to, uint256 amount) returns (bool)",
  "function transferFrom(address from, address to, uint256 amount) returns (bool)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event Approval(address indexed owner, address indexed spender, uint256 value)",
]);

/** Test-network token: the ERC20 subset plus a mint anyone may call. */
export const mintableTokenAbi = parseAbi([
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function transfer(address to, uint256 amount) returns (bool)",
  "function transferFrom(address from, address to, uint256 amount) returns (bool)",
  "function mint(address to, uint256 amount)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event Approval(address indexed owner, address indexed spender, uint256 value)",
]);
