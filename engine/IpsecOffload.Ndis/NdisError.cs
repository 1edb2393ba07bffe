namespace IpsecOffload.Ndis;

/// <summary>
/// Why a miniport (or one of our codecs) rejected an input: the NDIS status it returns, the field
/// at fault as named in the header (<c>IPSEC_OFFLOAD_V2_ADD_SA.KeyLength</c>), and a message with
/// the numbers in it ("KeyOffsetBytes 40 + KeyLength 20 runs past the 32-byte key array").
/// </summary>
/// <param name="Status">The status a real miniport would return.</param>
/// <param name="Field">The structure member, header field or OOB member at fault.</param>
/// <param name="Message">A readable explanation with offsets, lengths and values.</param>
public sealed record NdisError(NdisStatus Status, string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Status.ToNdisName()}: {Field}: {Message}";
}
