/**
 * Images: labelled image datasets (digits from the `mnist` package, folders of pictures, procedural shapes),
 * classifier-free guidance as a field combinator, PNG grids and trajectory strips, and the digit
 * classifier with its class accuracy and classifier-space Fréchet distance.
 */
export { arrayImageDataset } from './labelled-images.js';
export type { ArrayImageDatasetOptions, FiniteImageDataset, LabelledImageDataset, LabelledImages } from './labelled-images.js';
export { loadMnist, MNIST_HELDOUT_SIZE, MNIST_SIDE, MNIST_SPLIT_SEED, MNIST_TRAIN_SIZE } from './mnist.js';
export type { MnistOptions, MnistSplit } from './mnist.js';
export { IMAGE_EXTENSIONS, loadImageFolder } from './image-folder.js';
export type { ImageFolderDataset, ImageFolderOptions } from './image-folder.js';
export { drawShapeParams, renderShape, SHAPE_CLASSES, shapesDataset } from './shapes-dataset.js';
export type { ShapeParams, ShapesDatasetOptions } from './shapes-dataset.js';
export { IMAGE_PNG_SOFTWARE, imageGridPng, isLibraryPng, writeImageGrid } from './png-grid.js';
export type { ImageGridOptions, WriteImageGridOptions } from './png-grid.js';
export { writeTrajectoryStrip } from './trajectory-strip.js';
export type { TrajectoryStripOptions } from './trajectory-strip.js';
export { dropLabels, fieldForLabels, guidedField } from './guidance.js';
export type { GuidanceOptions, LabelledField } from './guidance.js';
export {
  buildDigitClassifierModel,
  DIGIT_CLASSIFIER_DIR,
  DIGIT_FEATURE_DIM,
  DIGIT_FEATURES_LAYER,
  DigitClassifier,
  loadDigitClassifier,
  saveDigitClassifier,
  trainDigitClassifier,
} from './digit-classifier.js';
export type { DigitClassifierInfo, TrainDigitClassifierOptions } from './digit-classifier.js';
export { digitFrechetDistance, featureFrechetDistance, featureMoments, frechetDistance } from './frechet-distance.js';
export type { GaussianMoments } from './frechet-distance.js';
export { sqrtmPsd, symmetricEigen } from '../symmetric-eigen.js';
export type { SymmetricEigen } from '../symmetric-eigen.js';
export { imageRunShape, loadImageData, loadImageRun, rebuildImageModel, trainImageRun } from './image-run.js';
export type { ImageDataOptions, ImageRun, ImageRunOptions, LoadedImageRun } from './image-run.js';
export { labelledFields, labelledImageTask } from './labelled-image-task.js';
export type { LabelledImageBatch, LabelledImageRunConfig, LabelledImageTask, LabelledImageTaskOptions } from './labelled-image-task.js';
