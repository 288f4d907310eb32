// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

import "@openzeppelin/contracts/security/Pausable.sol";
import "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import "./LpWhitelist.sol";
import "./RequestIds.sol";
import "./RestrictedCalls.sol";

/// @title Source-chain side of a transfer: takes deposits, runs the claim/challenge game and pays
/// out deposits and stakes.
contract RequestManager is Ownable, LpWhitelist, RestrictedCalls, Pausable {
    using SafeERC20 for IERC20;

    struct Request {
        address sender;
        address sourceTokenAddress;
        uint256 targetChainId;
        uint256 amount;
        uint32 validUntil;
        uint256 lpFee;
        uint256 protocolFee;
        uint32 activeClaims;
        uint96 withdrawClaimId;
        address filler;
        bytes32 fillId;
        mapping(bytes32 => bool) invalidFillIds;
    }

    struct Claim {
        bytes32 requestId;
        address claimer;
        uint96 claimerStake;
        mapping(address => uint96) challengersStakes;
        address lastChallenger;
        uint96 challengerStakeTotal;
        uint256 withdrawnAmount;
        uint256 termination;
        bytes32 fillId;
    }

    struct Token {
        uint256 transferLimit;
        uint256 ethInToken;
        uint256 collectedProtocolFees;
    }

    struct Chain {
        uint256 finalityPeriod;
        uint256 transferCost;
        uint256 targetWeightPPM;
    }

    event RequestCreated(
        bytes32 indexed requestId,
        uint256 targetChainId,
        address sourceTokenAddress,
        address targetTokenAddress,
        address indexed sourceAddress,
        address targetAddress,
        uint256 amount,
        uint96 nonce,
        uint32 validUntil,
        uint256 lpFee,
        uint256 protocolFee
    );
    event DepositWithdrawn(bytes32 requestId, address receiver);
    event ClaimMade(
        bytes32 indexed requestId,
        uint96 claimId,
        address claimer,
        uint96 claimerStake,
        address lastChallenger,
        uint96 challengerStakeTotal,
        uint256 termination,
        bytes32 fillId
    );
    event ClaimStakeWithdrawn(uint96 claimId, bytes32 indexed requestId, address stakeRecipient);
    event FeesUpdated(uint32 minFeePPM, uint32 lpFeePPM, uint32 protocolFeePPM);
    event TokenUpdated(address indexed tokenAddress, uint256 transferLimit, uint256 ethInToken);
    event ChainUpdated(
        uint256 indexed chainId, uint256 finalityPeriod, uint256 transferCost, uint256 targetWeightPPM
    );
    event RequestResolved(bytes32 requestId, address filler, bytes32 fillId);
    event FillInvalidatedResolved(bytes32 requestId, bytes32 fillId);

    uint256 public constant MIN_VALIDITY_PERIOD = 30 minutes;
    uint256 public constant MAX_VALIDITY_PERIOD = 48 hours;
    uint96 public constant CLAIM_ID_WITHDRAWN_EXPIRED = type(uint96).max;

    uint256 private constant PPM = 1_000_000;

    uint96 public immutable claimStake;
    uint256 public immutable claimRequestExtension;
    uint256 public immutable claimPeriod;
    uint256 public immutable challengePeriodExtension;

    uint32 public minFeePPM;
    uint32 public lpFeePPM;
    uint32 public protocolFeePPM;

    /// Last nonce handed out; shared by requests and claims.
    uint96 public currentNonce;

    mapping(bytes32 => Request) public requests;
    mapping(uint96 => Claim) public claims;
    mapping(address => Token) public tokens;
    mapping(uint256 => Chain) public chains;

    modifier validRequestId(bytes32 requestId) {
        require(requests[requestId].sender != address(0), "requestId not valid");
        _;
    }

    modifier validClaimId(uint96 claimId) {
        require(claims[claimId].claimer != address(0), "claimId not valid");
        _;
    }

    constructor(
        uint96 _claimStake,
        uint256 _claimRequestExtension,
        uint256 _claimPeriod,
        uint256 _challengePeriodExtension
    ) {
        claimStake = _claimStake;
        claimRequestExtension = _claimRequestExtension;
        claimPeriod = _claimPeriod;
        challengePeriodExtension = _challengePeriodExtension;
    }

    // ---------------------------------------------------------------- requests

    /// Lock `amount` plus fees and ask for `amount` of `targetTokenAddress` on `targetChainId`.
    function createRequest(
        uint256 targetChainId,
        address sourceTokenAddress,
        address targetTokenAddress,
        address targetAddress,
        uint256 amount,
        uint256 validityPeriod
    ) external whenNotPaused returns (bytes32) {
        require(chains[targetChainId].finalityPeriod != 0, "Target rollup not supported");
        require(validityPeriod >= MIN_VALIDITY_PERIOD, "Validity period too short");
        require(validityPeriod <= MAX_VALIDITY_PERIOD, "Validity period too long");
        require(amount <= tokens[sourceTokenAddress].transferLimit, "Amount exceeds transfer limit");

        uint256 lpFeeAmount = lpFee(targetChainId, sourceTokenAddress, amount);
        uint256 protocolFeeAmount = protocolFee(amount);
        uint256 total = amount + lpFeeAmount + protocolFeeAmount;
        require(
            IERC20(sourceTokenAddress).allowance(msg.sender, address(this)) >= total,
            "Insufficient allowance"
        );

        currentNonce += 1;
        uint96 nonce = currentNonce;
        bytes32 requestId = RequestIds.create(
            block.chainid, targetChainId, targetTokenAddress, targetAddress, amount, nonce
        );

        Request storage request = requests[requestId];
        request.sender = msg.sender;
        request.sourceTokenAddress = sourceTokenAddress;
        request.targetChainId = targetChainId;
        request.amount = amount;
        request.validUntil = uint32(block.timestamp + validityPeriod);
        request.lpFee = lpFeeAmount;
        request.protocolFee = protocolFeeAmount;

        _emitRequestCreated(requestId, targetTokenAddress, targetAddress, nonce);

        IERC20(sourceTokenAddress).safeTransferFrom(msg.sender, address(this), total);
        return requestId;
    }

    // Split out of createRequest to keep the stack shallow.
    function _emitRequestCreated(
        bytes32 requestId,
        address targetTokenAddress,
        address targetAddress,
        uint96 nonce
    ) private {
        Request storage request = requests[requestId];
        emit RequestCreated(
            requestId,
            request.targetChainId,
            request.sourceTokenAddress,
            targetTokenAddress,
            msg.sender,
            targetAddress,
            request.amount,
            nonce,
            request.validUntil,
            request.lpFee,
            request.protocolFee
        );
    }

    /// Refund an expired, unclaimed request (amount and fees) to its sender.
    function withdrawExpiredRequest(bytes32 requestId) external validRequestId(requestId) {
        Request storage request = requests[requestId];
        require(request.withdrawClaimId == 0, "Deposit already withdrawn");
        require(block.timestamp >= request.validUntil, "Request not expired yet");
        require(request.activeClaims == 0, "Active claims running");

        request.withdrawClaimId = CLAIM_ID_WITHDRAWN_EXPIRED;
        emit DepositWithdrawn(requestId, request.sender);
        IERC20(request.sourceTokenAddress).safeTransfer(
            request.sender, request.amount + request.lpFee + request.protocolFee
        );
    }

    // ---------------------------------------------------------------- claims

    /// Claim a request for the caller, staking exactly `claimStake`.
    function claimRequest(bytes32 requestId, bytes32 fillId)
        external
        payable
        validRequestId(requestId)
        onlyAllowed(msg.sender)
        returns (uint96)
    {
        return claimRequest(msg.sender, requestId, fillId);
    }

    /// Claim a request on behalf of `claimer`, staking exactly `claimStake`.
    function claimRequest(address claimer, bytes32 requestId, bytes32 fillId)
        public
        payable
        validRequestId(requestId)
        onlyAllowed(claimer)
        returns (uint96)
    {
        Request storage request = requests[requestId];
        require(
            block.timestamp < request.validUntil + claimRequestExtension,
            "Request cannot be claimed anymore"
        );
        require(request.withdrawClaimId == 0, "Deposit already withdrawn");
        require(msg.value == claimStake, "Invalid stake amount");
        require(claimer != address(0), "Claimer can't be zero address");
        require(fillId != bytes32(0), "FillId must not be 0x0");

        request.activeClaims += 1;
        currentNonce += 1;
        uint96 claimId = currentNonce;
        uint256 termination = block.timestamp + claimPeriod;

        Claim storage claim = claims[claimId];
        claim.requestId = requestId;
        claim.claimer = claimer;
        claim.claimerStake = uint96(msg.value);
        claim.termination = termination;
        claim.fillId = fillId;

        emit ClaimMade(
            requestId, claimId, claimer, uint96(msg.value), address(0), 0, termination, fillId
        );
        return claimId;
    }

    /// Outbid the other side of a claim: challengers while the claimer leads, the claimer otherwise.
    function challengeClaim(uint96 claimId) external payable validClaimId(claimId) {
        Claim storage claim = claims[claimId];
        Request storage request = requests[claim.requestId];
        require(block.timestamp < claim.termination, "Claim expired");
        require(request.filler == address(0), "Request already resolved");
        require(!request.invalidFillIds[claim.fillId], "Fill already invalidated");

        uint256 extension = challengePeriodExtension;
        uint256 claimerStake = claim.claimerStake;
        uint256 challengerStakeTotal = claim.challengerStakeTotal;

        if (claimerStake > challengerStakeTotal) {
            require(msg.sender != claim.claimer, "Cannot challenge own claim");
            require(
                msg.value >= claimerStake - challengerStakeTotal + 1, "Not enough stake provided"
            );
            if (challengerStakeTotal == 0) {
                extension += chains[request.targetChainId].finalityPeriod;
            }
            claim.lastChallenger = msg.sender;
            claim.challengersStakes[msg.sender] += uint96(msg.value);
            claim.challengerStakeTotal += uint96(msg.value);
        } else {
            require(msg.sender == claim.claimer, "Not eligible to outbid");
            require(
                msg.value >= challengerStakeTotal - claimerStake + claimStake,
                "Not enough stake provided"
            );
            claim.claimerStake += uint96(msg.value);
        }

        if (block.timestamp + extension > claim.termination) {
            claim.termination = block.timestamp + extension;
        }

        emit ClaimMade(
            claim.requestId,
            claimId,
            claim.claimer,
            claim.claimerStake,
            claim.lastChallenger,
            claim.challengerStakeTotal,
            claim.termination,
            claim.fillId
        );
    }

    /// Settle the caller's share of a finished claim.
    function withdraw(uint96 claimId) external validClaimId(claimId) returns (address) {
        return withdraw(msg.sender, claimId);
    }

    /// Settle `participant`'s share of a finished claim; the money goes to the winner.
    function withdraw(address participant, uint96 claimId)
        public
        validClaimId(claimId)
        returns (address)
    {
        Claim storage claim = claims[claimId];
        bytes32 requestId = claim.requestId;
        Request storage request = requests[requestId];

        (address stakeRecipient, uint256 ethToTransfer) = _resolveClaim(participant, claimId);

        if (claim.challengersStakes[stakeRecipient] > 0) {
            claim.challengersStakes[stakeRecipient] = 0;
        }
        if (claim.withdrawnAmount == 0) {
            request.activeClaims -= 1;
        }
        claim.withdrawnAmount += ethToTransfer;
        require(
            claim.withdrawnAmount <= uint256(claim.claimerStake) + claim.challengerStakeTotal,
            "Amount to withdraw too large"
        );

        (bool sent,) = stakeRecipient.call{value: ethToTransfer}("");
        require(sent, "Failed to send Ether");

        emit ClaimStakeWithdrawn(claimId, requestId, stakeRecipient);

        if (request.withdrawClaimId == 0 && stakeRecipient == claim.claimer) {
            _withdrawDeposit(requestId, claimId, claim.claimer);
        }
        return stakeRecipient;
    }

    function _withdrawDeposit(bytes32 requestId, uint96 claimId, address claimer) private {
        Request storage request = requests[requestId];
        emit DepositWithdrawn(requestId, claimer);
        request.withdrawClaimId = claimId;
        tokens[request.sourceTokenAddress].collectedProtocolFees += request.protocolFee;
        IERC20(request.sourceTokenAddress).safeTransfer(claimer, request.amount + request.lpFee);
    }

    // Who gets what from one withdraw call, in the priority: L1 resolution, invalidated fill id,
    // deposit already paid out, challenge outcome after termination.
    function _resolveClaim(address participant, uint96 claimId)
        private
        view
        returns (address, uint256)
    {
        Claim storage claim = claims[claimId];
        Request storage request = requests[claim.requestId];
        uint256 claimerStake = claim.claimerStake;
        uint256 challengerStakeTotal = claim.challengerStakeTotal;
        require(
            claim.withdrawnAmount < claimerStake + challengerStakeTotal, "Claim already withdrawn"
        );

        bool claimValid;
        if (request.filler != address(0)) {
            claimValid = request.filler == claim.claimer && request.fillId == claim.fillId;
        } else if (request.invalidFillIds[claim.fillId]) {
            claimValid = false;
        } else if (request.withdrawClaimId != 0) {
            Claim storage paid = claims[request.withdrawClaimId];
            claimValid = paid.claimer == claim.claimer && paid.fillId == claim.fillId;
        } else {
            require(block.timestamp >= claim.termination, "Claim period not finished");
            claimValid = claimerStake > challengerStakeTotal;
        }

        if (claimValid) {
            return (claim.claimer, claimerStake + challengerStakeTotal);
        }
        if (challengerStakeTotal > 0) {
            uint256 amount = 2 * uint256(claim.challengersStakes[participant]);
            require(amount > 0, "Challenger has nothing to withdraw");
            if (participant == claim.lastChallenger) {
                if (claimerStake > challengerStakeTotal) {
                    amount += claimerStake - challengerStakeTotal;
                } else {
                    amount -= challengerStakeTotal - claimerStake;
                }
            }
            return (participant, amount);
        }
        return (owner(), claimerStake);
    }

    // ---------------------------------------------------------------- L1 resolution

    /// Record the true filler and fill id of a request, as proven on L1.
    function resolveRequest(
        bytes32 requestId,
        bytes32 fillId,
        uint256 resolutionChainId,
        address filler
    ) external restricted(resolutionChainId) {
        Request storage request = requests[requestId];
        request.filler = filler;
        request.fillId = fillId;
        request.invalidFillIds[fillId] = false;
        emit RequestResolved(requestId, filler, fillId);
    }

    /// Mark a fill id as not matching any fill, as proven on L1.
    function invalidateFill(bytes32 requestId, bytes32 fillId, uint256 resolutionChainId)
        external
        restricted(resolutionChainId)
    {
        Request storage request = requests[requestId];
        require(request.filler == address(0), "Cannot invalidate resolved fills");
        require(!request.invalidFillIds[fillId], "Fill already invalidated");
        request.invalidFillIds[fillId] = true;
        emit FillInvalidatedResolved(requestId, fillId);
    }

    // ---------------------------------------------------------------- views

    /// True once the deposit left the contract (to a claimer or back to the sender).
    function isWithdrawn(bytes32 requestId) external view validRequestId(requestId) returns (bool) {
        return requests[requestId].withdrawClaimId != 0;
    }

    /// True if `fillId` was invalidated for `requestId`.
    function isInvalidFill(bytes32 requestId, bytes32 fillId) external view returns (bool) {
        return requests[requestId].invalidFillIds[fillId];
    }

    /// Minimum LP fee for a transfer of `tokenAddress` to `targetChainId`.
    function minLpFee(uint256 targetChainId, address tokenAddress) public view returns (uint256) {
        Chain storage source = chains[block.chainid];
        Chain storage target = chains[targetChainId];
        return (
            (
                (PPM - source.targetWeightPPM) * source.transferCost
                    + target.targetWeightPPM * target.transferCost
            ) * (uint256(minFeePPM) + PPM) * tokens[tokenAddress].ethInToken
        ) / 10 ** 30;
    }

    /// LP fee: the larger of the minimum and `lpFeePPM` of the amount.
    function lpFee(uint256 targetChainId, address tokenAddress, uint256 amount)
        public
        view
        returns (uint256)
    {
        uint256 minimum = minLpFee(targetChainId, tokenAddress);
        uint256 proportional = amount * lpFeePPM / PPM;
        return proportional > minimum ? proportional : minimum;
    }

    /// Protocol fee: `protocolFeePPM` of the amount.
    function protocolFee(uint256 amount) public view returns (uint256) {
        return amount * protocolFeePPM / PPM;
    }

    /// LP fee plus protocol fee.
    function totalFee(uint256 targetChainId, address tokenAddress, uint256 amount)
        external
        view
        returns (uint256)
    {
        return lpFee(targetChainId, tokenAddress, amount) + protocolFee(amount);
    }

    /// Largest amount whose amount plus fees fits in `amount` (may be one unit low).
    function transferableAmount(uint256 targetChainId, address tokenAddress, uint256 amount)
        external
        view
        returns (uint256)
    {
        uint256 minimum = minLpFee(targetChainId, tokenAddress);
        require(amount > minimum, "Amount not high enough to cover the fees");
        uint256 transferable = amount * PPM / (PPM + lpFeePPM + protocolFeePPM);
        if (transferable * lpFeePPM / PPM >= minimum) {
            return transferable;
        }
        return (amount - minimum) * PPM / (PPM + protocolFeePPM);
    }

    // ---------------------------------------------------------------- owner

    /// Send the collected protocol fees of a token to `recipient`.
    function withdrawProtocolFees(address tokenAddress, address recipient) external onlyOwner {
        uint256 amount = tokens[tokenAddress].collectedProtocolFees;
        require(amount > 0, "Protocol fee is zero");
        tokens[tokenAddress].collectedProtocolFees = 0;
        IERC20(tokenAddress).safeTransfer(recipient, amount);
    }

    /// Set the three fee rates; existing requests keep their fees.
    function updateFees(uint32 _minFeePPM, uint32 _lpFeePPM, uint32 _protocolFeePPM)
        external
        onlyOwner
    {
        require(_lpFeePPM <= 999_999, "Maximum PPM of 999999 exceeded");
        require(_protocolFeePPM <= 999_999, "Maximum PPM of 999999 exceeded");
        minFeePPM = _minFeePPM;
        lpFeePPM = _lpFeePPM;
        protocolFeePPM = _protocolFeePPM;
        emit FeesUpdated(_minFeePPM, _lpFeePPM, _protocolFeePPM);
    }

    /// Configure a source token (limit 0 disables it); keeps its collected fees.
    function updateToken(address tokenAddress, uint256 transferLimit, uint256 ethInToken)
        external
        onlyOwner
    {
        Token storage token = tokens[tokenAddress];
        token.transferLimit = transferLimit;
        token.ethInToken = ethInToken;
        emit TokenUpdated(tokenAddress, transferLimit, ethInToken);
    }

    /// Configure a chain (finalityPeriod 0 disables it as a target).
    function updateChain(
        uint256 chainId,
        uint256 finalityPeriod,
        uint256 transferCost,
        uint256 targetWeightPPM
    ) external onlyOwner {
        require(targetWeightPPM <= 999_999, "Maximum PPM of 999999 exceeded");
        chains[chainId] = Chain(finalityPeriod, transferCost, targetWeightPPM);
        emit ChainUpdated(chainId, finalityPeriod, transferCost, targetWeightPPM);
    }

    /// Stop new requests.
    function pause() external onlyOwner {
        _pause();
    }

    /// Accept new requests again.
    function unpause() external onlyOwner {
        _unpause();
    }
}
