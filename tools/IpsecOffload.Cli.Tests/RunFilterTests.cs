using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;

namespace IpsecOffload.Cli.Tests;

public sealed class RunFilterTests
{
    private static readonly ConformanceCase Send09 = new("Send09_EspTransport_ProtectedOnWire_V2", ["SEND-09", "ESP-01"], "s", [], _ => { });

    [TestCase(null, true)]
    [TestCase("Send09_EspTransport_ProtectedOnWire_V2", true)]
    [TestCase("send09_esptransport_protectedonwire_v2", true)]
    [TestCase("Send09_*_V2", true)]
    [TestCase("*OnWire*", true)]
    [TestCase("Send09_*_V1", false)]
    [TestCase("SEND-09", true)]
    [TestCase("ESP-0*", true)]
    [TestCase("SEND-1*", false)]
    [TestCase("esp", true)]
    [TestCase("lso", false)]
    [TestCase("must", true)]
    [TestCase("may", false)]
    [TestCase("lso, SEND-09", true)]
    [TestCase("lso,may", false)]
    public void Selects_TermAgainstNameIdAreaOrLevel(string? filter, bool selected) =>
        Assert.That(new RunFilter(filter).Selects(Send09, RequirementCatalogue.Default), Is.EqualTo(selected));

    [TestCase("a*b*c", "abc", true)]
    [TestCase("a*b*c", "axxbyyc", true)]
    [TestCase("a*bc*c", "abc", false)]
    [TestCase("*", "", true)]
    [TestCase("ab*ba", "aba", false)]
    public void Wildcard_MatchesWholeText(string pattern, string text, bool matches) =>
        Assert.That(NamePattern.Matches(pattern, text, StringComparison.OrdinalIgnoreCase), Is.EqualTo(matches));
}
