namespace Provenance.Domain.Access;

/// <summary>What an API key may do. See <see cref="Permissions"/> for the table.</summary>
public enum ApiRole
{
    /// <summary>Registers documents (HTTP and bus). Cannot read the registry back.</summary>
    Crawler = 1,

    /// <summary>Reads the registry and asserts classes.</summary>
    Curator = 2,

    /// <summary>Reads the registry and assembles datasets.</summary>
    Trainer = 3,

    /// <summary>Manages API keys and webhook subscriptions, and may do everything the other roles may.</summary>
    Admin = 4,
}

/// <summary>Something a request wants to do.</summary>
public enum Permission
{
    Register,
    Read,
    Assert,
    AssembleDatasets,
    ManageKeys,
    ManageWebhooks,
}

public static class Permissions
{
    /// <summary>The single table that says which role may do what.</summary>
    public static bool Allows(this ApiRole role, Permission permission) => (role, permission) switch
    {
        (ApiRole.Admin, _) => true,
        (ApiRole.Crawler, Permission.Register) => true,
        (ApiRole.Curator, Permission.Read or Permission.Assert) => true,
        (ApiRole.Trainer, Permission.Read or Permission.AssembleDatasets) => true,
        _ => false,
    };

    /// <summary>The roles that hold <paramref name="permission"/>, for error messages and OpenAPI.</summary>
    public static IReadOnlyList<ApiRole> RolesWith(Permission permission) =>
        [.. Enum.GetValues<ApiRole>().Where(r => r.Allows(permission))];
}
