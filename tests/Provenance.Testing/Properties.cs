using FsCheck;
using FsCheck.Fluent;

namespace Provenance.Testing;

/// <summary>Runs an FsCheck property from a [Fact]; a failure throws with the shrunk counterexample.</summary>
public static class Properties
{
    public static void Check<T>(Gen<T> generator, Func<T, bool> property, int maxTest = 25) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true), Prop.ForAll(Arb.From(generator), property));
}
