using System.Text.Json;

namespace IpsecOffload.Cli.Tests;

public class CliTests
{
    [Test]
    public void SelfTest_WithReport_PassesAndWritesEveryAlgorithmsVerdict()
    {
        string folder = Path.Combine(Path.GetTempPath(), "ipsec-selftest-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            int exit = CliApp.Run(["selftest", "--cases", "10", "--seed", "7", "--report", folder], output);

            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "selftest.json")));
            JsonElement crypto = report.RootElement.GetProperty("crypto");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(exit, Is.Zero, output.ToString());
                Assert.That(report.RootElement.GetProperty("seed").GetInt32(), Is.EqualTo(7));
                Assert.That(crypto.GetArrayLength(), Is.EqualTo(15));
                Assert.That(crypto.EnumerateArray().Select(e => e.GetProperty("verdict").GetString()), Is.All.EqualTo("Pass"));
                Assert.That(output.ToString(), Does.Contain("15 passed, 0 failed"));
                Assert.That(File.ReadAllText(Path.Combine(folder, "selftest.txt")), Does.Contain("IPSEC_OFFLOAD_V2_ADD_SA"));
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Test]
    public void SelfTest_ZeroCases_IsRejectedWithAMessage()
    {
        using var output = new StringWriter();
        int exit = CliApp.Run(["selftest", "--cases", "0"], output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Not.Zero);
            Assert.That(output.ToString(), Does.Contain("--cases must be at least 1"));
        }
    }

    [Test]
    public void Layouts_ListsBothAbisSizes()
    {
        using var output = new StringWriter();
        int exit = CliApp.Run(["layouts"], output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero);
            Assert.That(output.ToString(), Does.Match(@"IPSEC_OFFLOAD_V2_ADD_SA\s+│\s+160\s+│\s+176"));
        }
    }
}
