using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Engine.Tests.Sa;

/// <summary><see cref="SaStore"/> on its own: handle rules, capacity, concurrency, clear.</summary>
public sealed class SaStoreTests
{
    private static OffloadedSaBundle Bundle(uint spi) => new(SaDirection.Outbound, IPsecV2Endpoints.IPv4(0, 0), IPsecV2UdpEspEncapsulation.None,
        [new SaTransform(IpsecProtocol.Esp, spi, false, 0, null, null, DotNetCryptoBackend.Instance.CreateIntegrity(CryptoAlgorithm.HmacSha1, new byte[20]))]);

    [Test]
    public void TryAdd_ConcurrentAddsUpToCapacity_UniqueHandlesAndExactCount([Values] NdisAbi abi)
    {
        var store = new SaStore(500, abi);
        var handles = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        int refused = 0;
        Parallel.For(0, 600, i =>
        {
            var bundle = Bundle((uint)i);
            if (store.TryAdd(bundle, out ulong handle))
            {
                handles.Add(handle);
            }
            else
            {
                Interlocked.Increment(ref refused);
                bundle.Dispose();
            }
        });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(store.Count, Is.EqualTo(500));
            Assert.That(refused, Is.EqualTo(100));
            Assert.That(handles.Distinct().Count(), Is.EqualTo(500));
            Assert.That(handles, Has.None.EqualTo(0UL));
            Assert.That(handles.Min(), Is.EqualTo(abi == NdisAbi.X64 ? SaStore.FirstHandleX64 : SaStore.FirstHandleX86));
        }
    }

    [Test]
    public void TryRemoveAndClear_DisposeBundles_UnknownHandleFalse([Values] NdisAbi abi)
    {
        var store = new SaStore(4, abi);
        var a = Bundle(1);
        var b = Bundle(2);
        store.TryAdd(a, out ulong ha);
        store.TryAdd(b, out ulong hb);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(store.TryRemove(ha), Is.True);
            Assert.That(a.IsDisposed, Is.True);
            Assert.That(store.TryRemove(ha), Is.False, "already deleted");
            Assert.That(store.TryRemove(0), Is.False);
            Assert.That(store.TryGet(hb, out OffloadedSaBundle? found) && found == b, Is.True);
        }

        store.Clear();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(b.IsDisposed, Is.True);
            Assert.That(store.Count, Is.Zero);
            Assert.That(store.TryGet(hb, out _), Is.False);
        }
    }

    [Test]
    public void ParserEntries_ShareHandleCounterAndDoNotCountAgainstCapacity([Values] NdisAbi abi)
    {
        var store = new SaStore(1, abi);
        store.TryGetOrAddParserEntry(new OffloadIpsecUdpEspEncapTypeEntry(UdpEncapType.Other, 4500), out UdpEspParserEntry? entry, out bool created);
        bool added = store.TryAdd(Bundle(1), out ulong handle);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created, Is.True);
            Assert.That(added, Is.True);
            Assert.That(handle, Is.Not.EqualTo(entry!.Handle));
            Assert.That(store.ParserEntryCount, Is.EqualTo(1));
        }
    }
}
