// The seed training loop: fit y = 2x with Linear(1, 1), MSELoss and SGD, exactly as in PyTorch.
// Run: npx tsx examples/seed-training-loop.ts (after `pnpm build`). Prints what the PyTorch twin
// in scripts/fixtures/examples.py prints.
import { manualSeed, noGrad, tensor } from '@torchlet/core';
import { Linear, MSELoss } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';

const model = new Linear(1, 1);
noGrad(() => {
  model.weight.fill_(0.5); // the same start as the PyTorch run
  model.bias!.fill_(0);
});
const optimizer = new SGD(model.parameters(), { lr: 0.01 });
const lossFn = new MSELoss();
const x = tensor([[1.0], [2.0], [3.0]]), y = tensor([[2.0], [4.0], [6.0]]);

for (let epoch = 0; epoch < 5000; epoch++) {
  optimizer.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  optimizer.step();
  if ((epoch + 1) % 20 === 0 && epoch < 100) console.log(`epoch ${epoch + 1}: loss ${loss.item().toFixed(4)}`);
  if (epoch + 1 === 100) {
    console.log(`after 100 epochs: weight ${model.weight.item().toFixed(4)}, bias ${model.bias!.item().toFixed(4)}`);
    console.log(model.weight);
    console.log(model.bias);
  }
}
// run longer, it converges to weight 2 and bias 0
console.log(`after 5000 epochs: weight ${model.weight.item().toFixed(4)}, bias ${model.bias!.item().toFixed(4)}`);

// Seeded default initialisation draws PyTorch's values: torch.manual_seed(0); nn.Linear(1, 1)
manualSeed(0);
const seeded = new Linear(1, 1);
console.log(seeded.weight);
console.log(seeded.bias);
