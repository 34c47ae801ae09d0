"""Writes the PyTorch reference fixtures of the recurrent layers, Recurrent/<case>.safetensors, and
of attention, Attention/multihead_attention_causal.safetensors and
Attention/transformer_encoder_layer.safetensors.

Run once, from any directory, with a Python that has torch 2.x (CPU is enough):

    python Tests/Fixtures/make_sequence_fixtures.py

Each file holds the module's state_dict under PyTorch's names (weight_ih_l0, ...), and
  input [T, N, I], h0 (and c0) [L*D, N, H]        the call's arguments
  lengths [N] (cases *_lengths)                  per-sample lengths, run as a packed sequence
  output, h_n (and c_n)                          what the module returns
  output_grad, h_n_grad (and c_n_grad)           R, the weights of the scalar
                                                 L = sum(R * output) + sum(R_h * h_n) (+ sum(R_c * c_n))
  grad.input, grad.h0 (grad.c0), grad.<name>      dL/d(argument), dL/d(parameter)
Weights and inputs are drawn in float32; the module then runs in float64, so the stored
results (rounded to float32) are the exact answer for the float32 inputs. safetensors is
written by hand (8-byte header length, JSON header, little-endian F32 data) to need only torch.
"""
import json
import pathlib
import struct

import torch

T, N, I, H = 5, 3, 4, 6
CASES = [
    ("rnn_tanh", torch.nn.RNN, dict(nonlinearity="tanh")),
    ("rnn_relu_2layers_bidirectional", torch.nn.RNN, dict(nonlinearity="relu", num_layers=2, bidirectional=True)),
    ("lstm", torch.nn.LSTM, {}),
    ("lstm_2layers_bidirectional", torch.nn.LSTM, dict(num_layers=2, bidirectional=True)),
    ("gru", torch.nn.GRU, {}),
    ("gru_2layers_bidirectional", torch.nn.GRU, dict(num_layers=2, bidirectional=True)),
    ("lstm_2layers_bidirectional_lengths", torch.nn.LSTM, dict(num_layers=2, bidirectional=True)),
]
# Per-sample lengths for the cases named *_lengths: run on pack_padded_sequence(enforce_sorted=False),
# padded back to T with zeros; stored as the float tensor "lengths".
LENGTHS = [5, 2, 4]


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))


def write_layer_case(path, module, x, output):
    """Draws R, back-propagates L = sum(R * output), and writes the state_dict with input, output,
    output_grad, grad.input and grad.<name> to `path`."""
    r = torch.randn(*output.shape).to(torch.float32).double()
    (r * output).sum().backward()
    tensors = dict(module.state_dict())
    tensors.update(input=x, output=output, output_grad=r)
    tensors["grad.input"] = x.grad
    tensors.update({f"grad.{key}": p.grad for key, p in module.named_parameters()})
    write_safetensors(path, tensors)
    print(path.stem, sorted(tensors))


def write_attention_fixture(directory):
    """nn.MultiheadAttention(8, 2) as causal self-attention on x [T=5, N=3, E=8]: state_dict,
    input, output, output_grad (R of L = sum(R * output)), grad.input, grad.<name>."""
    torch.manual_seed(100)
    length, batch, embedding = 5, 3, 8
    module = torch.nn.MultiheadAttention(embedding, 2)
    with torch.no_grad():  # non-zero biases, so that their gradients are tested too
        module.in_proj_bias.uniform_(-0.5, 0.5)
        module.out_proj.bias.uniform_(-0.5, 0.5)
    module.double()
    x = torch.randn(length, batch, embedding).to(torch.float32).double().requires_grad_()
    mask = torch.nn.Transformer.generate_square_subsequent_mask(length, dtype=torch.float64)
    output, _ = module(x, x, x, attn_mask=mask, need_weights=False)
    directory.mkdir(exist_ok=True)
    write_layer_case(directory / "multihead_attention_causal.safetensors", module, x, output)


def write_encoder_fixture(directory):
    """nn.TransformerEncoderLayer(8, 2, 16, dropout=0) in training mode (no fast path) on
    x [T=5, N=3, E=8]: state_dict, input, output, output_grad, grad.input, grad.<name>."""
    torch.manual_seed(200)
    module = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    with torch.no_grad():  # non-trivial norms and attention biases
        for name, p in module.named_parameters():
            if name.startswith("norm") or name.endswith("in_proj_bias") or name.endswith("out_proj.bias"):
                p.uniform_(0.5, 1.5) if name.endswith("weight") else p.uniform_(-0.5, 0.5)
    module.double().train()
    x = torch.randn(5, 3, 8).to(torch.float32).double().requires_grad_()
    write_layer_case(directory / "transformer_encoder_layer.safetensors", module, x, module(x))


def main():
    directory = pathlib.Path(__file__).resolve().parent / "Recurrent"
    directory.mkdir(exist_ok=True)
    for seed, (name, module_type, options) in enumerate(CASES):
        torch.manual_seed(seed)
        module = module_type(I, H, **options)  # float32 default initialization U(-1/sqrt(H), 1/sqrt(H))
        module.double()
        is_lstm = module_type is torch.nn.LSTM
        states = module.num_layers * (2 if module.bidirectional else 1)
        draw = lambda *shape: torch.randn(*shape).to(torch.float32).double().requires_grad_()
        x, h0 = draw(T, N, I), draw(states, N, H)
        c0 = draw(states, N, H) if is_lstm else None
        state = (h0, c0) if is_lstm else h0
        if name.endswith("_lengths"):
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(LENGTHS), enforce_sorted=False)
            packed_output, final = module(packed, state)
            output, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_output, total_length=T)
        else:
            output, final = module(x, state)
        h_n, c_n = final if is_lstm else (final, None)
        r, r_h = draw(*output.shape).detach(), draw(*h_n.shape).detach()
        loss = (r * output).sum() + (r_h * h_n).sum()
        tensors = {key: value for key, value in module.state_dict().items()}
        tensors.update(input=x, h0=h0, output=output, h_n=h_n, output_grad=r, h_n_grad=r_h)
        if name.endswith("_lengths"):
            tensors["lengths"] = torch.tensor(LENGTHS, dtype=torch.float32)
        if is_lstm:
            r_c = draw(*c_n.shape).detach()
            loss = loss + (r_c * c_n).sum()
            tensors.update(c0=c0, c_n=c_n, c_n_grad=r_c)
        loss.backward()
        tensors.update({"grad.input": x.grad, "grad.h0": h0.grad})
        if is_lstm:
            tensors["grad.c0"] = c0.grad
        tensors.update({f"grad.{key}": p.grad for key, p in module.named_parameters()})
        write_safetensors(directory / f"{name}.safetensors", tensors)
        print(name, sorted(tensors))
    write_attention_fixture(directory.parent / "Attention")
    write_encoder_fixture(directory.parent / "Attention")


if __name__ == "__main__":
    main()
