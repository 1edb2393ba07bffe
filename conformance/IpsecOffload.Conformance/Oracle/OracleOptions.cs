using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Transport;

namespace IpsecOffload.Conformance.Oracle;

/// <summary>How the oracle reads a frame: the profile's IV and short-frame assumptions, and per-call overrides.</summary>
public sealed record OracleOptions
{
    /// <summary>Who writes the ESP IV (AMB-01). With <see cref="EspIvSource.Device"/> the IV bytes are not compared; they must be unique per SA instead (ESP-06).</summary>
    public EspIvSource EspIv { get; init; } = EspIvSource.Transport;

    /// <summary>Frames under 60 bytes are zero-padded to 60 (SEND-23).</summary>
    public bool PadShortFrames { get; init; } = true;

    /// <summary>The ESN high half an SA's ICV must cover, when it differs from <see cref="SaSpec.SequenceNumberHigh"/> (after UPDATE_SA).</summary>
    public Func<SaSpec, uint>? SequenceHigh { get; init; }

    /// <summary>IVs already seen per SPI (hex), shared across calls to check uniqueness when the device writes IVs.</summary>
    public IDictionary<uint, HashSet<string>>? IvsSeen { get; init; }
}
