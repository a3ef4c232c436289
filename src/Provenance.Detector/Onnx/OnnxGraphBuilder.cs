using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;
using Provenance.Detector.Onnx.Proto;

namespace Provenance.Detector.Onnx;

/// <summary>A tensor dimension: a fixed size, or a named symbolic size such as "batch".</summary>
public readonly record struct OnnxDim(long? Size, string? Name)
{
    public static implicit operator OnnxDim(long size) => new(size, null);

    public static implicit operator OnnxDim(string name) => new(null, name);
}

/// <summary>A node attribute; ONNX operators take their settings (axis, perm, to, ...) this way.</summary>
public sealed class OnnxAttribute
{
    internal AttributeProto Proto { get; }

    OnnxAttribute(AttributeProto proto) => Proto = proto;

    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    public static OnnxAttribute Float(string name, float value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    public static OnnxAttribute Ints(string name, params long[] values)
    {
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new(proto);
    }

    public static OnnxAttribute String(string name, string value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });
}

/// <summary>
/// Writes ONNX models without Python: graph inputs/outputs, initializers (weights) and nodes, serialised as a
/// standard ModelProto that ONNX Runtime (and Netron, onnx.checker) read.
/// </summary>
public sealed class OnnxGraphBuilder(string graphName)
{
    /// <summary>Opset 17 is read by every ONNX Runtime since 1.13 and has all the operators used here.</summary>
    public const long OpsetVersion = 17;

    const long IrVersion = 8;

    readonly GraphProto _graph = new() { Name = graphName };
    readonly HashSet<string> _names = new(StringComparer.Ordinal);
    int _counter;

    public OnnxGraphBuilder Input(string name, TensorElementType type, params OnnxDim[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, dims));
        return this;
    }

    public OnnxGraphBuilder Output(string name, TensorElementType type, params OnnxDim[] dims)
    {
        _graph.Output.Add(ValueInfo(name, type, dims));
        return this;
    }

    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddTensor(name, TensorElementType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    public string Initializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        AddTensor(name, TensorElementType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>Stores float weights as IEEE half precision, halving the file; read them back with a Cast node.</summary>
    public string InitializerHalf(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }
        return AddTensor(name, TensorElementType.Float16, MemoryMarshal.AsBytes(halves.AsSpan()), values.Length, dims);
    }

    /// <summary>A scalar or small float constant, for the many 1-element operands a graph needs.</summary>
    public string Constant(params float[] values) =>
        Initializer(FreshName("const"), values, values.Length == 1 ? [] : [values.Length]);

    public string ConstantInt64(params long[] values) =>
        Initializer(FreshName("const"), values, [values.Length]);

    /// <summary>Adds a node and returns the name of its (single) output.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        NodeNamed(opType, inputs, FreshName(opType.ToLowerInvariant()), attributes);

    /// <summary>Adds a node whose output has a chosen name (for graph outputs).</summary>
    public string NodeNamed(string opType, IReadOnlyList<string> inputs, string output, params OnnxAttribute[] attributes)
    {
        Claim(output);
        var node = new NodeProto { OpType = opType, Name = output + "_node" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes.Select(a => a.Proto));
        _graph.Node.Add(node);
        return output;
    }

    public byte[] ToBytes(IReadOnlyDictionary<string, string>? metadata = null, string? docString = null)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Provenance.Detector",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
            DocString = docString ?? "",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return model.ToByteArray();
    }

    string AddTensor(string name, TensorElementType type, ReadOnlySpan<byte> raw, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
        {
            throw new ArgumentException($"Initializer '{name}' has {count} values but dims [{string.Join(", ", dims)}] need {expected}.");
        }
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    string FreshName(string prefix)
    {
        string name;
        do
        {
            name = $"{prefix}_{_counter++}";
        }
        while (_names.Contains(name));
        return name;
    }

    void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The graph already has a value named '{name}'.");
        }
    }

    static ValueInfoProto ValueInfo(string name, TensorElementType type, OnnxDim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim.Size is { } size
                ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Name ?? "" });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
