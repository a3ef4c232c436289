using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Provenance.Testing;

/// <summary>
/// Finds every configuration section a host binds to one of the registry's options types, and makes each refuse
/// whatever it is given: a host whose start then stops on all of them checks every section as it starts.
/// </summary>
public static class BoundSettings
{
    /// <summary>Adds a validator that always fails to every Provenance options type bound from configuration.</summary>
    public static IReadOnlyList<Type> RefuseAll(IServiceCollection services)
    {
        var bound = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Provenance.", StringComparison.Ordinal) == true)
            .Distinct()
            .ToList();
        foreach (var type in bound)
        {
            services.AddSingleton(typeof(IValidateOptions<>).MakeGenericType(type), typeof(Refuse<>).MakeGenericType(type));
        }
        return bound;
    }

    /// <summary>The message the validator of <paramref name="type"/> fails with.</summary>
    public static string Refusal(Type type) => $"refused for the test: {type.Name}";

    /// <summary>
    /// Every options type of a configuration section in <paramref name="assemblies"/>: a type with a <c>Section</c>
    /// constant naming a top-level section (a nested one, such as Detector:ZeroShot, is bound with its parent).
    /// </summary>
    public static IReadOnlyList<Type> OptionsTypes(params Assembly[] assemblies) =>
        [.. assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } f
                        && f.GetRawConstantValue() is string section && !section.Contains(':', StringComparison.Ordinal))];

    /// <summary>The messages of what a start threw and of everything inside it (one or several validation failures).</summary>
    public static string Messages(Exception? error) => error switch
    {
        null => "",
        AggregateException all => string.Join("\n", all.InnerExceptions.Select(Messages)),
        _ => error.Message + "\n" + Messages(error.InnerException),
    };

    sealed class Refuse<T> : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) => ValidateOptionsResult.Fail(Refusal(typeof(T)));
    }
}
