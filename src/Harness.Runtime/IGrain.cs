namespace Harness.Runtime;

/// <summary>Marker for grain interfaces. Every method returns <see cref="Task"/> or <see cref="Task{T}"/>.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key, as <c>Orleans.IGrainWithStringKey</c>.</summary>
public interface IGrainWithStringKey : IGrain;
