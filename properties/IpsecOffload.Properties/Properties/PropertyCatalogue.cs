namespace IpsecOffload.Properties.Properties;

/// <summary>
/// The properties of issue #6, in run order. The list is the hook for more laws: the model-based SA lifecycle
/// property (<c>Lifecycle/</c>, <c>SaLifecycleScript</c>) is appended here when it lands, and every front door
/// (NUnit, the CLI <c>fuzz</c> verb) picks it up from this list.
/// </summary>
public static class PropertyCatalogue
{
    /// <summary>Every property.</summary>
    public static IReadOnlyList<IProbeProperty> All { get; } =
    [
        new ZeroHandleLeavesBytesUnchanged(),
        new UnknownOrDeletedHandleFailsWithoutFrame(),
        new EveryNblCompletedExactlyOnce(),
        new EveryFrameDecryptsToWhatTheTransportFramed(),
        new BufferGeometryDoesNotChangeWireBytes(),
        new LsoSegmentsConsecutiveSequenceNumbersPadDroppedConcatenateToPayload(),
        new MiniportMatchesReferenceEngine(),
        // The SA lifecycle property (model SA table under interleaved OIDs and sends) is appended here.
    ];

    /// <summary>The property called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IProbeProperty? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
