using System.Collections;

namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// An immutable array with value equality, so that the typed OID structures (records holding key
/// bytes, SA entries or handles) compare by content after a round trip. <see cref="ToString"/> shows
/// only the length: key material never appears in messages (STYLE.md §5).
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    private readonly T[]? _items;

    /// <summary>Copies <paramref name="items"/>.</summary>
    public EquatableArray(ReadOnlySpan<T> items) => _items = items.ToArray();

    /// <summary>Number of elements.</summary>
    public int Count => _items?.Length ?? 0;

    /// <summary>The element at <paramref name="index"/>.</summary>
    public T this[int index] => AsSpan()[index];

    /// <summary>The elements as a read-only span.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;

    /// <summary>A copy of the elements.</summary>
    public T[] ToArray() => AsSpan().ToArray();

    /// <summary>A copy of this array with element <paramref name="index"/> replaced.</summary>
    public EquatableArray<T> SetItem(int index, T value)
    {
        T[] copy = ToArray();
        copy[index] = value;
        return new EquatableArray<T>(copy);
    }

    /// <summary>Copies <paramref name="items"/>.</summary>
    public static implicit operator EquatableArray<T>(T[] items) => new(items);

    /// <inheritdoc/>
    public bool Equals(EquatableArray<T> other) => AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (T item in AsSpan())
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>Only the element count, e.g. <c>[20 items]</c>; contents are never printed.</summary>
    public override string ToString() => $"[{Count} items]";

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Value equality.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
}
