using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace Harness.Runtime;

/// <summary>
/// A grain reference: implements the grain interface and turns each call into a turn on the activation's
/// mailbox. Invokers are compiled once per method, so a call costs a delegate call, not reflection.
/// </summary>
public class GrainProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<GrainActivation, object?[], object>> Invokers = new();

    private GrainRuntime? runtime;
    private Type? grainInterface;
    private string? key;

    internal static TGrainInterface Create<TGrainInterface>(GrainRuntime runtime, string key)
        where TGrainInterface : IGrainWithStringKey
    {
        var proxy = Create<TGrainInterface, GrainProxy>();
        var self = (GrainProxy)(object)proxy!;
        self.runtime = runtime;
        self.grainInterface = typeof(TGrainInterface);
        self.key = key;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        // Resolve the invoker first: a method the runtime cannot call is rejected before it activates anything.
        var invoker = Invokers.GetOrAdd(targetMethod, Compile);
        return invoker(runtime!.GetActivation(grainInterface!, key!), args ?? []);
    }

    private static Func<GrainActivation, object?[], object> Compile(MethodInfo method)
    {
        var returnType = method.ReturnType;
        if (returnType != typeof(Task) && !(returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)))
        {
            throw new InvalidOperationException($"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task or Task<T>.");
        }

        // turn = () => ((IFoo)activation.Instance).Method((T0)args[0], ...)
        var activation = Expression.Parameter(typeof(GrainActivation), "activation");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var instance = Expression.Convert(Expression.Property(activation, nameof(GrainActivation.Instance)), method.DeclaringType!);
        var arguments = method.GetParameters().Select((p, i) =>
            Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(instance, method, arguments);
        var turn = Expression.Lambda(typeof(Func<>).MakeGenericType(returnType), call);

        var enqueue = returnType == typeof(Task)
            ? typeof(GrainActivation).GetMethod(nameof(GrainActivation.EnqueueAsync), [typeof(Func<Task>)])!
            : typeof(GrainActivation).GetMethods()
                .Single(m => m.Name == nameof(GrainActivation.EnqueueAsync) && m.IsGenericMethodDefinition)
                .MakeGenericMethod(returnType.GetGenericArguments()[0]);
        var body = Expression.Convert(Expression.Call(activation, enqueue, turn), typeof(object));
        return Expression.Lambda<Func<GrainActivation, object?[], object>>(body, activation, args).Compile();
    }
}
