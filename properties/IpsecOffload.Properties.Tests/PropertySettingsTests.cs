namespace IpsecOffload.Properties.Tests;

public sealed class PropertySettingsTests
{
    [TestCase("20261122,1", 20261122UL, 1UL)]
    [TestCase("(18446744073709551615,18446744073709551615)", ulong.MaxValue, ulong.MaxValue)]
    [TestCase("3405691582 2863311531", 3405691582UL, 2863311531UL)]
    [TestCase("77", 77UL, 1UL)]
    public void Parse_ReadsSeedAndGamma_FullRange(string text, ulong seed, ulong gamma)
    {
        PropertySettings settings = PropertySettings.Parse(text, "1234");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.Seed, Is.EqualTo(seed));
            Assert.That(settings.Gamma, Is.EqualTo(gamma));
            Assert.That(settings.Cases, Is.EqualTo(1234));
        }
    }

    [TestCase("5,2")]
    [TestCase("x")]
    [TestCase("1,2,3")]
    public void Parse_RejectsEvenGammaAndGarbage(string text) =>
        Assert.That(() => PropertySettings.Parse(text, null), Throws.TypeOf<FormatException>());

    [Test]
    public void Parse_Random_GivesAnOddGammaAndAReplayThatPrints()
    {
        PropertySettings settings = PropertySettings.Parse("random", null);
        Assert.That(settings.Gamma % 2, Is.EqualTo(1UL));
        Assert.That(settings.Replay, Does.Match(@"^\(\d+,\d+\)$"));
    }

    [Test]
    public void Default_IsTheCiReplayWith500Cases() =>
        Assert.That(PropertySettings.Default.Replay + " " + PropertySettings.Default.Cases, Is.EqualTo("(20261122,1) 500"));
}
