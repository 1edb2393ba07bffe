using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Conformance.Tests.Cases;

/// <summary>
/// SEND-30 from the adapter's side: the verdict of a case follows what the adapter advertises. Not
/// advertised and refused → NotApplicable naming the capability; not advertised but working → Warn
/// "under-claimed"; advertised but broken → Fail "claimed but broken" with the broken requirement.
/// </summary>
public sealed class CapabilityVerdictTests
{
    private const string V2Case = "Sa01_ThreeAdds_DistinctNonZeroHandlesEachSelectsItsSa_V2";

    private static NdisIPsecOffloadV2 WithoutAesCbc256 => ReferenceMiniportOptions.FullV2 with
    {
        EncryptionAlgorithms = ReferenceMiniportOptions.FullV2.EncryptionAlgorithms & ~IPsecV2Encryption.AesCbc256,
    };

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void AlgorithmNotAdvertisedAndRefused_NotApplicableNamingTheCapability(NdisAbi abi)
    {
        CaseResult result = CaseRig.Run(V2Case, () => CaseRig.Reference(abi, WithoutAesCbc256));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.NotApplicable), CaseRig.Describe(result));
            Assert.That(result.Message, Does.Contain("v2 ESP aes-cbc-256").And.Contain("NDIS_IPSEC_OFFLOAD_V2.Esp, .EncryptionAlgorithms"));
            Assert.That(result.FailedRequirement, Is.Null);
        }
    }

    [Test]
    public void V1NotSupportedAtAll_V1CaseNotApplicable()
    {
        CaseResult result = CaseRig.Run("Send25_V1EspTripleDesHmacSha1_Protected", () => CaseRig.Reference(noV1: true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.NotApplicable), CaseRig.Describe(result));
            Assert.That(result.Message, Does.Contain("v1 ESP 3DES").And.Contain("NDIS_IPSEC_OFFLOAD_V1.IPv4Esp.TripleDes"));
        }
    }

    [Test]
    public void AlgorithmWorksButIsNotAdvertised_WarnUnderClaimed()
    {
        CaseResult result = CaseRig.Run(V2Case, () => new AdvertiseOtherwise(CaseRig.Reference(), o => o with { IPsecV2 = WithoutAesCbc256 }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Warn), CaseRig.Describe(result));
            Assert.That(result.Message, Does.StartWith("under-claimed: v2 ESP aes-cbc-256"));
            Assert.That(result.FailedRequirement, Is.Null);
        }
    }

    [Test]
    public void AlgorithmAdvertisedButTheIcvIsWrong_FailClaimedButBroken()
    {
        CaseResult result = CaseRig.Run(V2Case, () => new FlipLastByteOfProtectedFrames(CaseRig.Reference()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), CaseRig.Describe(result));
            Assert.That(result.Message, Does.StartWith("claimed but broken (v2 ESP aes-cbc-256 + hmac-sha256-128)"));
            Assert.That(result.FailedRequirement, Is.EqualTo("ESP-01"));
        }
    }

    [Test]
    public void AlgorithmAdvertisedButAddRefused_Send30CaseFailsSa01()
    {
        // The adapter refuses AES-CBC-256 SAs (it lacks them) but its NDIS_OFFLOAD says it has them.
        CaseResult result = CaseRig.Run("Send30_EveryAdvertisedV2Algorithm_AddsAndProtects",
            () => new AdvertiseOtherwise(CaseRig.Reference(v2: WithoutAesCbc256), o => o with { IPsecV2 = ReferenceMiniportOptions.FullV2 }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), CaseRig.Describe(result));
            Assert.That(result.FailedRequirement, Is.EqualTo("SA-01"));
            Assert.That(result.Message, Does.Contain("aes-cbc-256"));
        }
    }

    [Test]
    public void NarrowedAdapter_Send30CaseProtectsWhatIsLeft()
    {
        CaseResult result = CaseRig.Run("Send30_EveryAdvertisedV2Algorithm_AddsAndProtects", () => CaseRig.Reference(v2: WithoutAesCbc256));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Pass), CaseRig.Describe(result));
            Assert.That(result.Notes.Single(), Does.Not.Contain("aes-cbc-256").And.Contain("aes-cbc-192"));
        }
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void UnadvertisedAlgorithmRefused_Sa04Passes(NdisAbi abi)
    {
        CaseResult result = CaseRig.Run("Sa04_UnadvertisedAlgorithm_AddRefused", () => CaseRig.Reference(abi, WithoutAesCbc256));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Pass), CaseRig.Describe(result));
            Assert.That(result.Notes.Single(), Does.Contain("aes-cbc-256"));
        }
    }

    [Test]
    public void UnadvertisedAlgorithmAccepted_Sa04WarnsAsAShould()
    {
        CaseResult result = CaseRig.Run("Sa04_UnadvertisedAlgorithm_AddRefused",
            () => new AdvertiseOtherwise(CaseRig.Reference(), o => o with { IPsecV2 = WithoutAesCbc256 }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Warn), CaseRig.Describe(result));
            Assert.That(result.FailedRequirement, Is.EqualTo("SA-04"));
            Assert.That(result.Message, Does.Contain("does not advertise v2 ESP aes-cbc-256"));
        }
    }

    [Test]
    public void FullReference_Sa04NotApplicableBecauseEverythingIsAdvertised()
    {
        CaseResult result = CaseRig.Run("Sa04_UnadvertisedAlgorithm_AddRefused", () => CaseRig.Reference());

        Assert.That(result.Verdict, Is.EqualTo(Verdict.NotApplicable), CaseRig.Describe(result));
    }

    [Test]
    public void V1IkeUdpEspAdvertised_IkeCaseNotApplicable()
    {
        NdisIPsecOffloadV1 ike = ReferenceMiniportOptions.FullV1 with
        {
            Supported = ReferenceMiniportOptions.FullV1.Supported with
            {
                Flags = ReferenceMiniportOptions.FullV1.Supported.Flags | IPsecV1UdpEspEncapsulationTypes.TransportIke,
            },
        };
        CaseResult result = CaseRig.Run("Sa04_V1UdpEspIkeEncapsulationNotAdvertised_AddRefused", () => CaseRig.Reference(v1: ike));

        Assert.That(result.Verdict, Is.EqualTo(Verdict.NotApplicable), CaseRig.Describe(result));
    }

    /// <summary>Flips the last byte (the ICV) of every frame sent for an NBL with a non-zero OffloadHandle.</summary>
    private sealed class FlipLastByteOfProtectedFrames(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            byte[] copy = frame.ToArray();
            if (owner.Info[NetBufferListInfoId.IPsecOffload] != 0)
            {
                copy[^1] ^= 0x01;
            }

            Host.Transmit(owner, copy);
        }
    }
}
