using Microsoft.Playwright;
using Provenance.Testing;

namespace Provenance.Console.Tests;

/// <summary>
/// The registry on a TCP port of 127.0.0.1 with its own database, and one headless Chromium for the whole test class:
/// Debian's chromium (deploy/scripts/test.sh installs it), never a browser Playwright would download.
/// </summary>
public class ConsoleFixture : RegistryFixture
{
    /// <summary>Where the browser is; PROVENANCE_TEST_CHROMIUM overrides Debian's path.</summary>
    static string ChromiumPath => Environment.GetEnvironmentVariable("PROVENANCE_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    protected override bool ListensOnTcp => true;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"no browser at {ChromiumPath}: run the tests with deploy/scripts/test.sh, which installs Debian's chromium.");
        }
        _playwright = await Playwright.CreateAsync();
        // Root (as in CI containers) cannot use Chromium's user-namespace sandbox; the pages are the registry's own.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh tab in a context of its own, so sessionStorage starts empty.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Address.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(10_000);
        return page;
    }

    /// <summary>Signs <paramref name="page"/> in with this registry's key for <paramref name="role"/>, as a person would.</summary>
    public async Task SignInAsync(IPage page, string role)
    {
        await page.GotoAsync("/console/");
        await page.GetByLabel("API key").FillAsync(Key(role));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByTestId("role").WaitForAsync();
    }

    /// <summary>A fresh tab signed in as <paramref name="role"/>.</summary>
    public async Task<IPage> SignedInAsync(string role)
    {
        var page = await NewPageAsync();
        await SignInAsync(page, role);
        return page;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
