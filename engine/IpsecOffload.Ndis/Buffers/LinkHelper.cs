namespace IpsecOffload.Ndis;

/// <summary>Builds singly linked NDIS chains from a sequence, refusing sequences that would loop.</summary>
internal static class LinkHelper
{
    public static T? Link<T>(IEnumerable<T> items, Action<T, T?> setNext, string what)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(items);
        var seen = new HashSet<T>(ReferenceEqualityComparer.Instance);
        T? first = null;
        T? previous = null;
        int index = 0;
        foreach (T item in items)
        {
            if (item is null)
            {
                throw new ArgumentException($"{what} element {index} is null.", nameof(items));
            }

            if (!seen.Add(item))
            {
                throw new ArgumentException(
                    $"{what} element {index} appears earlier in the sequence; linking it would make the chain loop.",
                    nameof(items));
            }

            if (previous is null)
            {
                first = item;
            }
            else
            {
                setNext(previous, item);
            }

            previous = item;
            index++;
        }

        if (previous is not null)
        {
            setNext(previous, null);
        }

        return first;
    }
}
