namespace IpsecOffload.Properties.Properties;

/// <summary>
/// The properties of issue #6, in run order. Every front door (NUnit, <see cref="Running.PropertyRunner"/>, the CLI
/// <c>fuzz</c> verb) takes its properties from this list; a new law is added here once.
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
        new SaLifecycleMatchesModelSaTable(),
    ];

    /// <summary>True for the properties that send LSO requests (run by <c>fuzz</c> only with <c>--lso</c> or by name).</summary>
    public static bool IsLso(IProbeProperty property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property is LsoSegmentsConsecutiveSequenceNumbersPadDroppedConcatenateToPayload;
    }

    /// <summary>The non-LSO mix: every property but the LSO ones (the default of <c>fuzz</c>, and the mix of the cases/s target).</summary>
    public static IReadOnlyList<IProbeProperty> NonLso { get; } = [.. All.Where(p => !IsLso(p))];

    /// <summary>The property called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IProbeProperty? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
