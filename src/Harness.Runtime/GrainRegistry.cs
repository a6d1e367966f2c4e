namespace Harness.Runtime;

/// <summary>Which class implements each grain interface; filled once at start-up.</summary>
public sealed class GrainRegistry
{
    private readonly Dictionary<Type, Type> classes = [];

    public GrainRegistry Add<TGrainInterface, TGrain>()
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        classes[typeof(TGrainInterface)] = typeof(TGrain);
        return this;
    }

    internal Type Resolve(Type grainInterface) =>
        classes.TryGetValue(grainInterface, out var grainClass)
            ? grainClass
            : throw new InvalidOperationException($"No grain class is registered for {grainInterface.Name}.");
}
