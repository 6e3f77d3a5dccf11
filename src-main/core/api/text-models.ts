/** The OCR model catalog (models/text/*.json), for front ends that list the models words in photos can be read with. */
export { loadTextModelCatalog, type TextModelEntry } from '../text/text-model.ts';
