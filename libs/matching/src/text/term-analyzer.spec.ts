import { describe, expect, it } from '@jest/globals';
import { terms } from './term-analyzer.js';

describe('terms', () => {
  it.each([
    ['organic', ['organic']],
    ['training', ['training']],
    ['medical plastic', ['medical', 'plastic']],
    ['Micro LED', ['micro', 'led']],
    ['basic', ['basic']],
  ])('never cuts the Latin word %j at a short dictionary entry inside it', (text, expected) => {
    expect(terms(text)).toEqual(expected);
  });

  it('still reads the dictionary terms, Latin and mixed, that stand on their own', () => {
    expect(terms('GaN功率器件和IC设计')).toEqual(['氮化镓', '功率器件', '芯片']);
    expect(terms('MEMS传感器与SiC器件')).toEqual(['mems传感器', '碳化硅', '器件']);
    expect(terms('AI视觉')).toEqual(['人工智能', '视觉']);
  });
});
