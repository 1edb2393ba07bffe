namespace IpsecOffload.Ndis;

/// <summary>
/// Walks a singly linked NDIS chain (MDLs, NET_BUFFERs, NET_BUFFER_LISTs) and stops with a clear
/// message when the links loop back, so a miniport that re-links a chain wrongly makes a test fail
/// instead of hang.
/// </summary>
internal static class ChainWalk
{
    /// <summary>
    /// Yields <paramref name="first"/> and every element after it. Brent's cycle check: a marker
    /// element is re-anchored at every power of two, and meeting it again means the links loop.
    /// </summary>
    public static IEnumerable<T> Walk<T>(T? first, Func<T, T?> next, string what)
        where T : class
    {
        T? marker = null;
        int power = 1;
        int steps = 0;
        int index = 0;
        for (T? current = first; current is not null; current = next(current))
        {
            if (ReferenceEquals(current, marker))
            {
                throw new InvalidOperationException(
                    $"{what} chain loops: element {index} is element {index - steps - 1} again.");
            }

            yield return current;
            index++;
            steps++;
            if (steps == power)
            {
                marker = current;
                power *= 2;
                steps = 0;
            }
        }
    }
}
