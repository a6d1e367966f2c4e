namespace Harness.Runtime;

/// <summary>Hands out references to grains; the activation behind a reference is created on its first call.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
