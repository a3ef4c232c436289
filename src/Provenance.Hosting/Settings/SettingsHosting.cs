using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Provenance.Hosting.Settings;

/// <summary>
/// How every Provenance host binds a configuration section (the API and the detector worker alike): once, to one
/// options type, checked when the host starts. A bad value, or one that does not parse (<c>Registry:MaxBatchSize=ten</c>),
/// then stops the start with the full key in the message, before the host migrates, connects or serves anything,
/// instead of failing the first request that reads it. A test walks both hosts and fails for a section bound any other way.
/// </summary>
public static class SettingsHosting
{
    /// <summary>
    /// Binds <paramref name="section"/> to <typeparamref name="T"/> and checks it with <paramref name="check"/> (nothing
    /// beyond the binding itself when it is null) as the host starts.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section, Action<T, SettingFailures>? check = null)
        where T : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new SectionValidator<T>(section, check)));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Checks every section bound with <see cref="AddSettings{T}"/> now, all at once, so that a host that calls this right
    /// after it is built stops before it migrates, connects or loads anything, naming every bad key. The host's own start
    /// checks them too, but only after it has created its hosted services, and creating the bus's reads some sections
    /// first: a start then stops on the first bad section read, with the others unreported.
    /// </summary>
    public static void CheckSettings(this IServiceProvider services) => services.GetRequiredService<IStartupValidator>().Validate();

    sealed class SectionValidator<T>(string section, Action<T, SettingFailures>? check) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = new SettingFailures(section);
            check?.Invoke(options, failures);
            return failures.Messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Messages);
        }
    }
}

/// <summary>What is wrong with one configuration section, each message naming the full key and the value it has.</summary>
public sealed class SettingFailures(string section)
{
    readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages => _messages;

    /// <summary>A failure about <c>section:key</c>; <paramref name="problem"/> continues the sentence after the key.</summary>
    public void Add(string key, string problem) => _messages.Add($"{section}:{key} {problem}");

    /// <summary>Failures already worded with their full keys (by a library that checks its own settings).</summary>
    public void AddWorded(IEnumerable<string> messages) => _messages.AddRange(messages);

    public void Range(string key, long value, long least, long most, string? meaning = null)
    {
        if (value < least || value > most)
        {
            Add(key, $"is {value}; it must be between {least:N0} and {most:N0}{(meaning is null ? "" : $" ({meaning})")}.");
        }
    }

    public void NotBlank(string key, string? value, string hint)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(key, $"is empty; {hint}.");
        }
    }
}
