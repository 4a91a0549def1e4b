// Classic convolutional networks, as torchvision's `models`: builders with PyTorch layers.
export { type AlexNetSmallOptions, alexnetSmall } from './alexnet.js';
export { type LeNet5Options, lenet5 } from './lenet.js';
export { BasicBlock, ResNet, type ResNetOptions, resnet, resnetSmall } from './resnet.js';
export { vggBlock } from './vgg.js';
