namespace IpsecOffload.Conformance.Cases;

/// <summary>
/// A capability a case needs, named for reports (<c>v2 ESP aes-gcm-128</c>) with the capability field that
/// advertises it (<c>NDIS_IPSEC_OFFLOAD_V2.Encryption</c>) and the test of the adapter's report.
/// </summary>
/// <param name="Name">What the feature is, in a report's words.</param>
/// <param name="Capability">The <c>NDIS_OFFLOAD</c> member(s) that advertise it.</param>
/// <param name="IsClaimed">Whether the adapter's capabilities advertise it.</param>
public sealed record Feature(string Name, string Capability, Func<AdapterCapabilities, bool> IsClaimed)
{
    /// <summary>The feature's name.</summary>
    public override string ToString() => Name;
}
